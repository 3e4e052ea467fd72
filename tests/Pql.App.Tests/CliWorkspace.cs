namespace Pql.App.Tests;

/// <summary>A temporary workspace with a one-account pql.yaml, for commands that read only config and state; deleted on dispose.</summary>
public sealed class CliWorkspace : IDisposable
{
    public CliWorkspace(string prefix)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        File.WriteAllText(Path.Combine(Dir, "accounts.csv"), "account_id,created_at\na1,2024-01-01\n");
        File.WriteAllText(Path.Combine(Dir, "events.csv"), "timestamp,event,account_id\n2024-01-02,login,a1\n");
        File.WriteAllText(Path.Combine(Dir, "pql.yaml"), """
            data: { accounts: accounts.csv, events: events.csv }
            goals:
              conversion: { achieved_when: { event: subscription_started }, horizon: 30d }
            """);
    }

    public string Dir { get; }

    public string StateDirectory => Path.Combine(Dir, ".pql");

    /// <summary>Runs <c>pql</c> with <c>--workspace</c> appended; returns the exit code, stdout and stderr.</summary>
    public (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Pql.Cli.CliApp.Run([.. args, "--workspace", Dir], output, error);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
