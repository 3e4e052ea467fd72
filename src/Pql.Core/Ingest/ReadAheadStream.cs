using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Pql.Core.Ingest;

/// <summary>
/// Reads an inner stream on a background thread into a small ring of buffers, so decompression runs on one
/// core while parsing runs on the other. The buffers travel through a bounded channel whose completion carries
/// the producer's error: whatever kills the producer (corrupt or truncated gzip, a vanished file, even a bug)
/// completes the channel, so the reader gets the error on its next Read instead of waiting forever, however
/// full the channel is. Disposing (or the caller's token) cancels the producer, so neither side outlives the other.
/// </summary>
internal sealed class ReadAheadStream : ForwardOnlyStream
{
    private const int BufferSize = 1 << 20;
    private const int Depth = 4;
    private readonly Stream _inner;
    private readonly Channel<(byte[] Buffer, int Count)> _full = Channel.CreateBounded<(byte[], int)>(
        new BoundedChannelOptions(Depth) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentQueue<byte[]> _free = new();
    private readonly CancellationTokenSource _stop;
    private readonly Thread _thread;
    private byte[]? _current;
    private int _currentCount;
    private int _currentPos;
    private bool _done;

    public ReadAheadStream(Stream inner, CancellationToken cancellationToken = default)
    {
        _inner = inner;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _thread = new Thread(Produce) { IsBackground = true, Name = "pql-read-ahead" };
        _thread.Start();
    }

    /// <summary>CPU time the read-ahead thread used (ticks), set when it ends: the inflating stage's figure for the verbose log.</summary>
    public long ProducerCpuTicks => Volatile.Read(ref _producerCpuTicks);

    private long _producerCpuTicks;

    private void Produce()
    {
        var writer = _full.Writer;
        try
        {
            while (true)
            {
                _stop.Token.ThrowIfCancellationRequested();
                if (!_free.TryDequeue(out var buffer))
                    buffer = new byte[BufferSize];
                var filled = 0;
                while (filled < buffer.Length)
                {
                    var n = _inner.Read(buffer, filled, buffer.Length - filled);
                    if (n == 0)
                        break;
                    filled += n;
                }
                if (filled == 0)
                    break;
                // Blocks while the reader is behind; a cancelled token (dispose, caller) ends the wait.
                writer.WriteAsync((buffer, filled), _stop.Token).AsTask().GetAwaiter().GetResult();
            }
            Volatile.Write(ref _producerCpuTicks, ThreadCpu.Ticks()); // before the completion the reader waits for
            writer.TryComplete();
        }
#pragma warning disable CA1031 // Every failure must reach the reader: the channel's completion carries it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            writer.TryComplete(ex);
        }
    }

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
                _free.Enqueue(_current);
            _current = null;
            if (!TryTakeNext(out var next, out var count))
            {
                _done = true;
                return 0;
            }
            _current = next;
            _currentCount = count;
            _currentPos = 0;
        }
    }

    /// <summary>The next filled buffer; false at the end of the data; throws the producer's error.</summary>
    private bool TryTakeNext(out byte[] buffer, out int count)
    {
        var reader = _full.Reader;
        while (true)
        {
            if (reader.TryRead(out var item))
            {
                (buffer, count) = item;
                return true;
            }
            bool more;
            try
            {
                // Completes when an item arrives or the producer ends; a faulted completion throws its error.
                more = reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                _done = true;
                throw Rethrown(error);
            }
            if (!more)
            {
                (buffer, count) = (Array.Empty<byte>(), 0);
                return false;
            }
        }
    }

    /// <summary>The producer's error as the reader's: the same type for the load's handlers, the original inside.</summary>
    private static Exception Rethrown(Exception error) => error switch
    {
        InvalidDataException => new InvalidDataException(error.Message, error),
        IOException => new IOException(error.Message, error),
        _ => new IOException($"reading failed on the read-ahead thread: {error.Message}", error),
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _thread.Join(); // at most one inner read (a bounded slice of inflating) after the cancel
            _inner.Dispose();
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
