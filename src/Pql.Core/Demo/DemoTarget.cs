using Pql.Core.Workspace;

namespace Pql.Core.Demo;

/// <summary>
/// Guards the folder a world is written to: generating overwrites pql.yaml and the data files, so it only
/// writes into an empty folder or one that holds an earlier generated world.
/// </summary>
public static class DemoTarget
{
    /// <summary>The first words of every generated pql.yaml.</summary>
    public const string Marker = "# A demo workspace written by `pql generate`";

    /// <summary>Checks the folder and, when <paramref name="clearState"/> is set, removes an earlier world's .pql state.</summary>
    public static void Prepare(string directory, bool clearState)
    {
        var config = Path.Combine(directory, ConfigLoader.FileName);
        if (File.Exists(config))
        {
            using var reader = new StreamReader(config);
            var first = reader.ReadLine() ?? "";
            if (!first.StartsWith(Marker, StringComparison.Ordinal))
                throw new PqlInputException($"{config}: this folder holds a pql.yaml that pql generate did not write; choose an empty folder so your workspace is not overwritten");
        }
        else if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new PqlInputException($"{directory}: the folder is not empty; choose an empty or new folder for the generated world");
        }
        var state = Path.Combine(directory, ".pql");
        if (clearState && Directory.Exists(state))
            Directory.Delete(state, recursive: true);
    }
}
