namespace Pql.Core.Ingest;

/// <summary>
/// A data file read to its end, failing when it ends before the length it had when opened: a file cut short
/// while being read (an export overwritten in place, a disk sync) must not load its prefix as if whole.
/// A file deleted while being read is read whole through the open handle on Linux and macOS, so it loads as opened.
/// </summary>
internal sealed class WholeFileStream : FileStream
{
    private readonly long _lengthAtOpen;

    public WholeFileStream(string path)
        : base(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan) =>
        _lengthAtOpen = Length;

    // A FileStream subclass gets Read(Span) routed through this overload, so one override checks every read.
    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = base.Read(buffer, offset, count);
        if (n == 0 && count > 0 && Position < _lengthAtOpen)
        {
            throw new IOException(FormattableString.Invariant(
                $"{Path.GetFileName(Name)}: the file shrank while being read: it had {_lengthAtOpen:N0} bytes when opened and ends at byte {Position:N0}"));
        }
        return n;
    }
}
