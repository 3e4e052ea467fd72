using System.Buffers;
using System.Diagnostics;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Reads a CSV file as <see cref="CsvRowReader"/> does (same rows, lines, errors and properties: both use
/// <see cref="CsvFields"/>) but parses on the other cores: the calling thread cuts the (already inflated, see
/// <see cref="ReadAheadStream"/>) bytes into blocks of about 1 MB that end at a line end outside quotes (every quote
/// toggles, as in the sequential reader, so a quoted newline never splits a record), and each block is decoded, split,
/// has its properties extracted and its rows prepared (<see cref="RowPreparer"/>) on the thread pool. Blocks are read
/// back in file order, so row order and line numbers are those of the sequential reader. A failure of a parsing task
/// or of the stream reaches the caller's <see cref="Read"/>.
/// </summary>
internal sealed class ParallelCsvRowReader : RowReader
{
    private const int DefaultBlockBytes = 1 << 20;
    private readonly int _blockBytes;
    private readonly Stream _stream;
    private readonly string _fileName;
    private readonly TableSource? _source;
    private readonly Queue<Task<CsvBlock>> _inFlight = new();
    private readonly Queue<CsvBlock> _read = new();
    private readonly int _depth = Math.Max(2, 2 * Environment.ProcessorCount);
    private byte[] _tail = [];
    private int _tailCount;
    private bool _streamEnded;
    private long _lineAfterLastBlock = 1;
    private readonly long _firstRowLine;
    private CsvLayout? _layout;
    private readonly char[] _headerChars;
    private readonly int _headerBlockLength;
    private readonly int _firstRowPos;
    private readonly int _headerBlockNewlines;
    private CsvBlock? _current;
    private readonly CsvBlock.Cursor _cursor;
    private bool _started;

    public override IReadOnlyList<string> Header { get; }

    /// <summary>Where the read spent its time so far (the verbose log's per-stage figures).</summary>
    public ParseTimings Timings { get; } = new();

    /// <summary>Reads and checks the header (as <see cref="CsvRowReader"/> does); <paramref name="blockBytes"/> is the block size to aim for (tests cut tiny blocks to put boundaries everywhere).</summary>
    public ParallelCsvRowReader(Stream stream, string fileName, TableSource? source = null, int blockBytes = DefaultBlockBytes)
    {
        _blockBytes = blockBytes;
        _stream = stream;
        _fileName = fileName;
        _source = source;
        var encoding = source?.Encoding ?? TextEncoding.Utf8;
        // The header's block is decoded here (its text is kept for its rows); its rows are parsed once slots are bound.
        if (!NextBlock(out var bytes, out var count, out var newlines, out var firstLine))
            throw new InvalidDataException($"{fileName}: the file is empty (a header row is required)");
        var skip = encoding == TextEncoding.Utf8 && count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        _headerChars = new char[count];
        try
        {
            _headerBlockLength = TextDecoding.Decode(bytes.AsSpan(skip, count - skip), encoding, _headerChars);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
        if (_headerBlockLength == 0)
            throw new InvalidDataException($"{fileName}: the file is empty (a header row is required)");
        var end = CsvFields.FindRecordEnd(_headerChars, 0, _headerBlockLength, out var headerNewlines, out _);
        if (end < 0)
            end = _headerBlockLength;
        var recordEnd = end > 0 && _headerChars[end - 1] == '\r' ? end - 1 : end;
        var fields = new CsvFields(source?.Delimiter ?? ',');
        fields.Split(_headerChars, 0, recordEnd);
        Header = fields.Header(_headerChars, fileName, source);
        _firstRowPos = Math.Min(end + 1, _headerBlockLength);
        _headerBlockNewlines = newlines;
        _firstRowLine = firstLine + 1 + headerNewlines;
        _cursor = new CsvBlock.Cursor(null!);
    }

    /// <summary>Maps slots to columns by name; <paramref name="propertiesSlot"/> holds a JSON object to extract keys from; <paramref name="preparer"/> runs per row on the parsing threads.</summary>
    public void Bind(IReadOnlyList<string> slotColumns, int propertiesSlot, string[] propertyKeys, RowPreparer? preparer = null)
    {
        if (_started)
            throw new InvalidOperationException("bind before the first Read");
        _layout = new CsvLayout(_source?.Encoding ?? TextEncoding.Utf8, _source?.Delimiter ?? ',', Header,
            CsvFields.SlotColumns(Header, slotColumns), propertiesSlot, propertyKeys, preparer);
    }

    public override bool Read()
    {
        var layout = _layout ?? throw new InvalidOperationException("bind the slots before reading");
        if (!_started)
        {
            _started = true;
            _current = CsvBlock.ParseDecoded(layout, _headerChars, _firstRowPos, _headerBlockLength, _headerBlockNewlines, _firstRowLine);
            _cursor.Block = _current;
            _cursor.Row = -1;
            Submit(layout);
        }
        while (true)
        {
            if (_current is not null && _cursor.Row + 1 < _current.Rows)
            {
                _cursor.Row++;
                return true;
            }
            if (_current is not null)
                _read.Enqueue(_current);
            _current = null;
            Submit(layout);
            if (!_inFlight.TryDequeue(out var next))
            {
                if (_stream is ReadAheadStream readAhead)
                    Timings.InflateCpuTicks = readAhead.ProducerCpuTicks;
                return false;
            }
            var waited = Stopwatch.GetTimestamp();
            _current = next.GetAwaiter().GetResult();
            Timings.WaitTicks += Stopwatch.GetTimestamp() - waited;
            _cursor.Block = _current;
            _cursor.Row = -1;
        }
    }

    /// <summary>Cuts blocks and starts their parsing until <see cref="_depth"/> are in flight or the file ends.</summary>
    private void Submit(CsvLayout layout)
    {
        var cut = Stopwatch.GetTimestamp();
        while (_inFlight.Count < _depth && NextBlock(out var bytes, out var count, out var newlines, out var firstLine))
        {
            var recycled = _read.Count > 0 ? _read.Dequeue() : null;
            var timings = Timings;
            _inFlight.Enqueue(Task.Run(() =>
            {
                var cpu = ThreadCpu.Ticks();
                var block = CsvBlock.Parse(layout, recycled, bytes, count, newlines, firstLine);
                timings.AddBlock(ThreadCpu.Ticks() - cpu);
                return block;
            }));
        }
        Timings.CutTicks += Stopwatch.GetTimestamp() - cut;
    }

    /// <summary>
    /// The next block of whole records: bytes (from the pool) up to and including the last line end at which the quotes
    /// seen since the file's start are even; the whole rest at the end of the file. False when nothing is left.
    /// </summary>
    private bool NextBlock(out byte[] bytes, out int count, out int newlines, out long firstLine)
    {
        var size = Math.Max(_blockBytes, _tailCount * 2);
        while (true)
        {
            bytes = ArrayPool<byte>.Shared.Rent(size);
            _tail.AsSpan(0, _tailCount).CopyTo(bytes);
            var filled = _tailCount;
            while (!_streamEnded && filled < bytes.Length)
            {
                var n = _stream.Read(bytes, filled, bytes.Length - filled);
                if (n == 0)
                    _streamEnded = true;
                filled += n;
            }
            count = _streamEnded ? filled : WholeRecords(bytes.AsSpan(0, filled));
            if (count > 0 || (_streamEnded && filled == 0))
            {
                if (count == 0)
                {
                    ArrayPool<byte>.Shared.Return(bytes);
                    bytes = [];
                    newlines = 0;
                    firstLine = 0;
                    return false;
                }
                var rest = filled - count;
                if (_tail.Length < rest)
                    _tail = new byte[Math.Max(rest, _blockBytes)];
                bytes.AsSpan(count, rest).CopyTo(_tail);
                _tailCount = rest;
                newlines = bytes.AsSpan(0, count).Count((byte)'\n');
                firstLine = _lineAfterLastBlock;
                _lineAfterLastBlock += newlines;
                return true;
            }
            // No line end outside quotes yet (a long quoted field): read a bigger block.
            _tail = bytes.AsSpan(0, filled).ToArray();
            _tailCount = filled;
            ArrayPool<byte>.Shared.Return(bytes);
            size *= 2;
        }
    }

    /// <summary>Length of the prefix ending at the last line end with an even count of quotes before it; 0 when none.</summary>
    private static int WholeRecords(ReadOnlySpan<byte> bytes)
    {
        var quotes = bytes.Count((byte)'"');
        var end = bytes.Length;
        while (true)
        {
            var newline = bytes[..end].LastIndexOf((byte)'\n');
            if (newline < 0)
                return 0;
            quotes -= bytes[(newline + 1)..end].Count((byte)'"');
            if (quotes % 2 == 0)
                return newline + 1;
            end = newline;
        }
    }

    public override long Line => _cursor.Line;

    public override ReadOnlySpan<char> Get(int slot) => _cursor.Get(slot);

    public override string? RowError => _cursor.RowError;

    public override string RowErrorField => _cursor.RowErrorField;

    public override bool HasColumn(int slot) => _layout!.SlotColumn[slot] >= 0;

    public override string? Property(int keyIndex) => _cursor.Property(keyIndex);

    public override string? PropertiesError => _cursor.PropertiesError;

    public override bool TryGetPrepared(out PreparedRow prepared) => _cursor.TryGetPrepared(out prepared);

    public override bool TryPeekPrepared(int ahead, out PreparedRow prepared) => _cursor.TryPeekPrepared(ahead, out prepared);

    public override PreparedNames? PreparedNames => _cursor.PreparedNames;

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        // Parsing tasks only read their own block; wait for them so none outlives the reader, and free their text.
        while (_inFlight.TryDequeue(out var task))
        {
            try
            {
                task.GetAwaiter().GetResult();
            }
#pragma warning disable CA1031 // the caller already has the load's error (it stopped reading); this one adds nothing
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        _stream.Dispose();
    }
}
