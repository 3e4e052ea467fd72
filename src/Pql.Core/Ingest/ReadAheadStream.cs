using System.Collections.Concurrent;

namespace Pql.Core.Ingest;

/// <summary>
/// Reads an inner stream on a background thread into a small ring of buffers, so decompression runs on one
/// core while parsing runs on the other. An error in the background read surfaces on the next Read.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    private const int BufferSize = 1 << 20;
    private readonly Stream _inner;
    private readonly BlockingCollection<(byte[] Buffer, int Count, Exception? Error)> _full = new(boundedCapacity: 4);
    private readonly ConcurrentBag<byte[]> _free = [];
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private byte[]? _current;
    private int _currentCount;
    private int _currentPos;
    private bool _done;

    public ReadAheadStream(Stream inner)
    {
        _inner = inner;
        _thread = new Thread(Produce) { IsBackground = true, Name = "pql-read-ahead" };
        _thread.Start();
    }

    private void Produce()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (!_free.TryTake(out var buffer))
                    buffer = new byte[BufferSize];
                var filled = 0;
                while (filled < buffer.Length)
                {
                    var n = _inner.Read(buffer, filled, buffer.Length - filled);
                    if (n == 0)
                        break;
                    filled += n;
                }
                _full.Add((buffer, filled, null), _stop.Token);
                if (filled == 0)
                    return;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ObjectDisposedException)
        {
            _full.TryAdd((Array.Empty<byte>(), 0, ex));
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_done)
                return 0;
            if (_current is not null && _currentPos < _currentCount)
            {
                var n = Math.Min(buffer.Length, _currentCount - _currentPos);
                _current.AsSpan(_currentPos, n).CopyTo(buffer);
                _currentPos += n;
                return n;
            }
            if (_current is not null)
                _free.Add(_current);
            var (next, count, error) = _full.Take();
            if (error is not null)
            {
                _done = true;
                throw error is InvalidDataException ? new InvalidDataException(error.Message, error) : new IOException(error.Message, error);
            }
            if (count == 0)
            {
                _done = true;
                _current = null;
                return 0;
            }
            _current = next;
            _currentCount = count;
            _currentPos = 0;
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            while (_full.TryTake(out _)) { }
            _thread.Join();
            _inner.Dispose();
            _full.Dispose();
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
