using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Assessment;
using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>
/// What <c>pql assess</c> asks for: answers from a file (<see cref="AnswersFile"/>) or from <see cref="Ask"/> (the CLI's
/// interactive questions, given the segment chosen with <see cref="Segment"/> if any), optionally measured against a workspace.
/// </summary>
public sealed record AssessRequest
{
    public string? AnswersFile { get; init; }
    /// <summary>A segment key; overrides the answers file's.</summary>
    public string? Segment { get; init; }
    /// <summary>text (default), markdown or json.</summary>
    public string? Format { get; init; }
    /// <summary>A workspace whose data is measured and set beside the answers.</summary>
    public string? Workspace { get; init; }
    /// <summary>Asks the questions when there is no answers file; called after the workspace is measured.</summary>
    public Func<SegmentBenchmark?, AssessmentAnswers>? Ask { get; init; }
    /// <summary>Where progress (Information) and detail (Debug) lines go; none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;
}

/// <summary>The scored report, rendered in the requested format, and a one-line summary of it.</summary>
public sealed record AssessResult(AssessmentReport Report, string Text)
{
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"score {ReportText.Score(Report.Score)} ({Report.Band.Title.ToLowerInvariant()}), {Report.RedFlags.Length} red flag(s)");
}

/// <summary><c>pql assess</c>: the PLG maturity self-assessment scored against the segment's benchmark and, optionally, the workspace's data.</summary>
public static class AssessService
{
    /// <summary>The segment keys, for option help.</summary>
    public static string SegmentKeys => Segments.KeyList;

    public static AssessResult Assess(AssessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var format = AssessmentRenderer.ParseFormat(request.Format);
        var segment = string.IsNullOrWhiteSpace(request.Segment) ? null : Segments.Parse(request.Segment, "--segment");
        if (request.AnswersFile is null && request.Ask is null)
            throw new PqlInputException("no answers: pass an answers file, or answer the questions on a terminal");
        // Measure the workspace first, so a bad workspace fails before anyone answers five questions.
        var evidence = request.Workspace is { } dir ? Measure(dir, request) : null;
        var answers = request.AnswersFile is { } path ? Assessment.AnswersFile.Load(path, request.Segment) : request.Ask!(segment);
        var report = AssessmentScorer.Score(answers, evidence);
        return new AssessResult(report, AssessmentRenderer.Render(report, format));
    }

    private static AssessmentEvidence Measure(string dir, AssessRequest request)
    {
        var config = ConfigLoader.Load(dir);
        var load = WorkspaceLoader.Load(config, new LoadOptions { Log = request.Log, WriteRejects = false });
        Log.Detail(request.Log, load.Report.Summary());
        return EvidenceCollector.Collect(load.Store, config, ReadModels(config, load.Store),
            latencyMedianMs: load.Report.LatencyMedianMs, latencyP95Ms: load.Report.LatencyP95Ms);
    }

    /// <summary>
    /// Model facts from the workspace's embedded state file. No file means no model was ever trained here; a
    /// <c>state</c> section (state kept elsewhere) leaves the facts unknown rather than guessing.
    /// </summary>
    private static ModelEvidence? ReadModels(WorkspaceConfig config, EventStore store)
    {
        if (config.State.Kind != StateKind.Sqlite)
            return null;
        var path = Path.Combine(config.StateDirectory, StateFileName);
        if (!File.Exists(path))
            return new ModelEvidence(null, HasModel: false, TracksConversion: false);
        using var state = SqliteStateStore.OpenWorkspace(config.StateDirectory);
        return ModelEvidenceReader.ReadAsync(state, store, config).GetAwaiter().GetResult();
    }

    private const string StateFileName = "state.db";
}
