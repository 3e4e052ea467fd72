namespace Pql.Core.Tests;

/// <summary>
/// A fact that needs a dataset from ../shared/data (the public datasets kept beside the repository, present in CI). Where the
/// folder is absent, the test is skipped with the reason instead of failing, so a fresh clone's test run stays green.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string dataset)
    {
        Dataset = dataset;
        if (Locate(dataset) is null)
            Skip = $"needs ../shared/data/{dataset}, which is not present above {AppContext.BaseDirectory}";
    }

    public string Dataset { get; }

    /// <summary>The dataset's folder, found by walking up from the test binary; null when absent.</summary>
    public static string? Locate(string dataset)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", dataset);
            if (Directory.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
