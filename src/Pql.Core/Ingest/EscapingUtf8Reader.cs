using System.Buffers;
using System.Text.Unicode;

namespace Pql.Core.Ingest;

/// <summary>
/// Decodes UTF-8 with the vectorised <see cref="Utf8.ToUtf16"/>, writing each invalid byte b as U+DC00+b instead of
/// U+FFFD (a .NET <c>DecoderFallback</c> may not emit lone surrogates). Skips a leading BOM.
/// </summary>
internal sealed class EscapingUtf8Reader(Stream stream) : TextReader
{
    private readonly byte[] _bytes = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _started;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (!_eof && _end - _start < 4)
                FillBytes();
            if (_start == _end)
                return written;
            var status = Utf8.ToUtf16(_bytes.AsSpan(_start, _end - _start), buffer[written..], out var read, out var chars,
                replaceInvalidSequences: false, isFinalBlock: _eof);
            _start += read;
            written += chars;
            switch (status)
            {
                case OperationStatus.InvalidData:
                    if (written == buffer.Length)
                        return written;
                    buffer[written++] = (char)(TextDecoding.FirstEscape - 0x80 + _bytes[_start++]);
                    break;
                case OperationStatus.NeedMoreData when written == 0:
                    break; // a sequence split across reads: the loop reads more
                default:
                    return written;
            }
        }
        return written;
    }

    private void FillBytes()
    {
        var tail = _end - _start;
        Array.Copy(_bytes, _start, _bytes, 0, tail);
        _start = 0;
        _end = tail;
        while (_end < _bytes.Length)
        {
            var n = stream.Read(_bytes, _end, _bytes.Length - _end);
            if (n == 0)
            {
                _eof = true;
                break;
            }
            _end += n;
            if (_end - _start >= 4)
                break;
        }
        if (!_started && _end >= 3)
        {
            _started = true;
            if (_bytes[0] == 0xEF && _bytes[1] == 0xBB && _bytes[2] == 0xBF)
                _start = 3;
        }
        else if (_eof)
        {
            _started = true;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            stream.Dispose();
        base.Dispose(disposing);
    }
}
