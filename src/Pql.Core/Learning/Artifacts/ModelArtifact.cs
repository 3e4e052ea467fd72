using System.Text.Json;
using System.Text.Json.Serialization;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Learning.Gbdt;
using Pql.Core.Learning.Linear;

namespace Pql.Core.Learning.Artifacts;

/// <summary>
/// A trained model as versioned JSON: feature schema, the chosen model (GBDT binning and trees, logistic terms or
/// rules weights), its calibration, every candidate's validation metrics, top inputs, and a metadata bag (goal,
/// horizon, data window, cutoffs, row counts, base rate, data hash, created time) filled by the caller.
/// Doubles are written in round-trip form, so scores after Save/Load are bit-identical.
/// </summary>
public sealed record ModelArtifact
{
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Kind { get; init; }
    public required IReadOnlyList<ArtifactFeature> Features { get; init; }
    public PlattCalibration? Calibration { get; init; }
    public IReadOnlyList<ArtifactCandidate> Candidates { get; init; } = [];
    public IReadOnlyList<ArtifactImportance> TopInputs { get; init; } = [];
    public Dictionary<string, string> Metadata { get; init; } = [];
    /// <summary>Correlated inputs shown as one driver (first name leads); absent in artifacts saved before they were kept.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? DriverGroups { get; init; }
    public ArtifactGbdt? Gbdt { get; init; }
    public ArtifactLogistic? Logistic { get; init; }
    public ArtifactRules? Rules { get; init; }

    /// <summary>
    /// The artifact of a training run's chosen model; top inputs are the mean |contribution| on up to
    /// <paramref name="importanceRows"/> evenly spaced rows of <paramref name="valid"/>.
    /// </summary>
    public static ModelArtifact Create(TrainingResult result, FeatureMatrix valid, int importanceRows = 2000)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(valid);
        var model = result.Best;
        var sample = valid;
        if (valid.RowCount > importanceRows)
        {
            var rows = new int[importanceRows];
            for (var i = 0; i < rows.Length; i++)
                rows[i] = (int)((long)i * valid.RowCount / importanceRows);
            sample = valid.SelectRows(rows);
        }
        var importance = model.GlobalImportance(sample);
        var top = Enumerable.Range(0, importance.Length)
            .OrderByDescending(i => importance[i]).ThenBy(i => i)
            .Select(i => new ArtifactImportance(model.FeatureNames[i], importance[i])).ToList();
        return FromModel(model) with
        {
            DriverGroups = CorrelatedFeatures.Groups(model.Schema, sample, importance),
            Candidates = result.Candidates.Select(c => new ArtifactCandidate(c.Kind, c.Metrics)).ToList(),
            TopInputs = top,
        };
    }

    /// <summary>The artifact of one model, without candidates or metadata.</summary>
    public static ModelArtifact FromModel(ScoringModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var s = model.Schema;
        var features = Enumerable.Range(0, s.Count)
            .Select(i => new ArtifactFeature(s.Names[i], s.Kinds[i] == FeatureKind.Categorical ? "categorical" : "numeric", s.Levels[i]))
            .ToList();
        var artifact = new ModelArtifact
        {
            Kind = model.Kind, Features = features, Calibration = model.Calibration,
            DriverGroups = model.DriverGroups.Count > 0 ? model.DriverGroups : null,
        };
        return model switch
        {
            GbdtScoringModel g => artifact with
            {
                Gbdt = new ArtifactGbdt(g.Model.BaseMargin,
                    Enumerable.Range(0, g.Model.Cuts.FeatureCount)
                        .Select(f => new ArtifactBins(g.Model.Cuts.IsCategorical[f], g.Model.Cuts.BinCount[f], g.Model.Cuts.Upper[f])).ToList(),
                    g.Model.Trees.Select(t => new ArtifactTree(t.Feature, t.Threshold, t.BinThreshold, t.Left, t.Right, t.Flags, t.Value, t.Cover)).ToList()),
            },
            LogisticScoringModel l => artifact with
            {
                Logistic = new ArtifactLogistic(l.Intercept,
                    l.Design.Select((d, j) => new ArtifactLogisticTerm(d.Feature, d.Level, d.Fill, d.Mean, d.Scale, l.Coefficients[j])).ToList()),
            },
            RulesScoringModel r => artifact with { Rules = new ArtifactRules(r.Weights, r.Grids) },
            _ => throw new ArgumentException($"unknown model kind {model.Kind}", nameof(model)),
        };
    }

    /// <summary>The scoring model this artifact describes.</summary>
    public ScoringModel ToModel()
    {
        var schema = new FeatureSchema(
            Features.Select(f => f.Name).ToArray(),
            Features.Select(f => f.Kind == "categorical" ? FeatureKind.Categorical : FeatureKind.Numeric).ToArray(),
            Features.Select(f => f.Levels).ToArray());
        ScoringModel model = Kind switch
        {
            "gbdt" when Gbdt is { } g => new GbdtScoringModel(new GbdtModel(schema,
                new BinCuts
                {
                    Upper = g.Bins.Select(b => b.Upper).ToArray(),
                    IsCategorical = g.Bins.Select(b => b.Categorical).ToArray(),
                    BinCount = g.Bins.Select(b => b.BinCount).ToArray(),
                },
                g.BaseMargin,
                g.Trees.Select(t => new RegressionTree
                {
                    Feature = t.Feature, Threshold = t.Threshold, BinThreshold = t.BinThreshold, Left = t.Left,
                    Right = t.Right, Flags = t.Flags, Value = t.Value, Cover = t.Cover,
                }).ToList())),
            "logistic" when Logistic is { } l => new LogisticScoringModel(schema,
                l.Terms.Select(t => new DesignColumn(t.Feature, t.Level, t.Fill, t.Mean, t.Scale)).ToArray(),
                l.Terms.Select(t => t.Coefficient).ToArray(), l.Intercept),
            "rules" when Rules is { } r => new RulesScoringModel(schema, r.Weights, r.Grids.ToArray()),
            _ => throw new InvalidDataException($"model artifact of kind '{Kind}' lacks its '{Kind}' section"),
        };
        model.Calibration = Calibration;
        model.DriverGroups = DriverGroups ?? [];
        return model;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ModelArtifact FromJson(string json, string source = "model artifact")
    {
        ModelArtifact? artifact;
        try
        {
            artifact = JsonSerializer.Deserialize<ModelArtifact>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new DataLoadException(source, $"not a pql model artifact: {ex.Message}", ex);
        }
        if (artifact is null)
            throw new DataLoadException(source, "not a pql model artifact (empty)");
        if (artifact.FormatVersion > CurrentFormatVersion)
            throw new DataLoadException(source, $"format version {artifact.FormatVersion} is newer than this pql understands ({CurrentFormatVersion}); upgrade pql");
        return artifact;
    }

    public void Save(string path) => File.WriteAllText(path, ToJson());

    public static ModelArtifact Load(string path) => FromJson(File.ReadAllText(path), path);
}
