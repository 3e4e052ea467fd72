using System.Text.RegularExpressions;

namespace Pql.Core.Tests;

/// <summary>
/// Keeps the engine's dependencies one-way: each folder of src/Pql.Core (a pipeline stage) may use only the stages before it.
/// Reads every source file's <c>using Pql.Core.X</c> lines (and fully qualified <c>Pql.Core.X.</c> names) and fails on a
/// reference to a later stage, naming the file and line. A new folder must be given its place here.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>The stages in pipeline order (docs/ARCHITECTURE.md draws the same picture).</summary>
    private static readonly string[] s_order =
        ["Workspace", "Events", "Ingest", "Labels", "Features", "Learning", "Scoring", "State", "Playbooks", "Governance", "Assessment", "Demo", "Application"];

    [GeneratedRegex(@"\bPql\.Core\.([A-Za-z]+)\b")]
    private static partial Regex Reference();

    private static string CoreDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pql.slnx")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no Pql.slnx above the test assembly"), "src", "Pql.Core");
    }

    [Fact]
    public void Every_stage_uses_only_the_stages_before_it()
    {
        var core = CoreDirectory();
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(core, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
                continue;
            var stage = relative.Split(Path.DirectorySeparatorChar)[0];
            var own = Array.IndexOf(s_order, stage);
            if (own < 0)
            {
                problems.Add($"{relative}: folder '{stage}' has no place in the stage order; add it to LayeringTests and docs/ARCHITECTURE.md");
                continue;
            }
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].TrimStart();
                if (line.StartsWith("//", StringComparison.Ordinal) || line.StartsWith("///", StringComparison.Ordinal))
                    continue;
                foreach (Match m in Reference().Matches(line))
                {
                    var used = Array.IndexOf(s_order, m.Groups[1].Value);
                    if (used > own)
                        problems.Add($"{relative}:{i + 1}: {stage} uses {m.Groups[1].Value}, a later stage");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_layering_check_sees_a_back_reference()
    {
        var line = "using Pql.Core.Playbooks;";

        var used = Reference().Match(line).Groups[1].Value;

        Assert.True(Array.IndexOf(s_order, used) > Array.IndexOf(s_order, "Scoring"), "Playbooks must come after Scoring in the order");
    }
}
