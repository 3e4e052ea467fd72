namespace Pql.Core.Playbooks;

/// <summary>
/// Keeps one dispatcher per workspace: an exclusive lock on <c>&lt;state&gt;/dispatch.lock</c>, held while delivering.
/// The operating system drops it when the holder exits or is killed, so a crashed dispatcher never blocks the next one.
/// </summary>
public sealed class DispatchLock : IDisposable
{
    private readonly FileStream _file;

    private DispatchLock(FileStream file) => _file = file;

    /// <summary>The lock, or null when another dispatcher holds it.</summary>
    public static DispatchLock? TryAcquire(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        try
        {
            return new DispatchLock(new FileStream(Path.Combine(stateDirectory, "dispatch.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
