using System.IO.Compression;
using System.Text;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Ingest;

/// <summary>
/// A damaged file ends the load with one line naming it; nothing hangs. The gzip file is larger than every
/// internal buffer (read-ahead ring, inflate input, CSV buffer), so the inflater thread fails while the reader
/// is far behind it, which is where an error used to be dropped and the reader left waiting forever.
/// Each load runs under a generous hang guard: a regression fails the test instead of hanging the suite.
/// </summary>
public sealed class DamagedFileTests : IClassFixture<DamagedFileTests.BigGzip>, IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);
    private readonly TestWorkspace _ws = new();
    private readonly BigGzip _big;

    public DamagedFileTests(BigGzip big) => _big = big;

    public void Dispose() => _ws.Dispose();

    /// <summary>About 30 MB of event rows with random ids (so they compress only about 4:1), gzip-compressed once per class.</summary>
    public sealed class BigGzip
    {
        public const int Rows = 400_000;
        public byte[] Bytes { get; }

        public BigGzip()
        {
            var random = new Random(11);
            var text = new StringBuilder("timestamp,event,user_id,account_id,product,event_id,properties\n", Rows * 80);
            for (var i = 0; i < Rows; i++)
            {
                text.Append(FormattableString.Invariant(
                    $"2026-02-{1 + i % 28:00}T10:{i % 60:00}:00Z,doc_created,,a{i % 7},,{random.NextInt64():x16}{random.NextInt64():x16},\n"));
            }
            using var buffer = new MemoryStream();
            using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
                gz.Write(Encoding.UTF8.GetBytes(text.ToString()));
            Bytes = buffer.ToArray();
        }
    }

    private const string Yaml = """
        data:
          accounts: accounts.csv
          events: events.csv.gz
        goals:
          active:
            achieved_when: { event: doc_created }
            horizon: 30d
        """;

    private WorkspaceConfig Workspace(byte[] events, string yaml = Yaml, string eventsName = "events.csv.gz")
    {
        _ws.File("accounts.csv", "account_id,created_at\n" + string.Concat(Enumerable.Range(0, 7).Select(a => $"a{a},2026-01-01\n")));
        File.WriteAllBytes(_ws.PathOf(eventsName), events);
        return _ws.Config(yaml);
    }

    /// <summary>Runs the load on another thread and fails the test if it does not end within the hang guard.</summary>
    private static Exception LoadFails(WorkspaceConfig config, LoadOptions? options = null)
    {
        var load = Task.Run(() => WorkspaceLoader.Load(config, options));
        AssertEnds(load);
        Assert.True(load.IsFaulted, "the damaged file loaded as if whole");
        return load.Exception!.InnerException!;
    }

    private static void AssertEnds(Task task) =>
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(HangGuard), $"it did not end within {HangGuard}");

    private static void AssertOneLineNaming(Exception ex, string file, string problem)
    {
        var load = Assert.IsType<DataLoadException>(ex);
        Assert.Contains(file, load.Message, StringComparison.Ordinal);
        Assert.True(load.Message.Contains(problem, StringComparison.Ordinal), load.Message);
        Assert.DoesNotContain('\n', load.Message);
    }

    [Fact]
    public void The_big_gzip_is_larger_than_every_internal_buffer_and_loads_whole()
    {
        Assert.True(_big.Bytes.Length > 6 << 20, $"the compressed file is only {_big.Bytes.Length:N0} bytes");
        var (store, _) = WorkspaceLoader.Load(Workspace(_big.Bytes));
        Assert.Equal(BigGzip.Rows, store.EventCount);
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.5)]
    [InlineData(0.97)]
    public void A_truncated_big_gzip_fails_with_one_line_naming_the_file_and_offset(double share)
    {
        var cut = (int)(_big.Bytes.Length * share);

        var ex = LoadFails(Workspace(_big.Bytes[..cut]));

        AssertOneLineNaming(ex, "events.csv.gz", FormattableString.Invariant($"truncated at byte {cut:N0}"));
    }

    [Fact]
    public void Corrupt_bytes_in_the_middle_of_a_big_gzip_fail_with_one_line_naming_the_file()
    {
        var bytes = (byte[])_big.Bytes.Clone();
        var middle = bytes.Length / 2;
        for (var i = 0; i < 4; i++)
            bytes[middle + i] ^= 0x5A;

        var ex = LoadFails(Workspace(bytes));

        // zlib notices the damage at an invalid code or, at the latest, at the member's CRC check.
        AssertOneLineNaming(ex, "events.csv.gz", "the gzip data is corrupt near byte");
    }

    [Fact]
    public void A_cancelled_load_stops_the_inflater_and_the_reader()
    {
        using var cancel = new CancellationTokenSource();
        using var log = new CapturingLoggerProvider
        {
            OnMessage = message =>
            {
                if (message.StartsWith("loading events", StringComparison.Ordinal))
                    cancel.Cancel();
            },
        };
        var options = new LoadOptions { CancellationToken = cancel.Token, Log = log.Logger };

        var ex = LoadFails(Workspace(_big.Bytes), options);

        Assert.IsAssignableFrom<OperationCanceledException>(ex);
    }

    [Fact]
    public void A_big_gzip_cut_short_while_being_read_fails_naming_the_file_and_offset()
    {
        var path = _ws.PathOf("events.csv.gz");
        File.WriteAllBytes(path, _big.Bytes);
        var read = Task.Run(() =>
        {
            using var stream = DataFile.Open(path);
            var buffer = new byte[1 << 16];
            stream.ReadExactly(buffer); // the read-ahead thread is now inflating ahead of this reader
            using (var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                writer.SetLength(_big.Bytes.Length / 2);
            while (stream.Read(buffer) > 0)
            {
            }
        });

        AssertEnds(read);
        var ex = Assert.IsAssignableFrom<IOException>(read.Exception?.InnerException);
        Assert.Contains("events.csv.gz: the file shrank while being read", ex.Message, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"ends at byte {_big.Bytes.Length / 2:N0}"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_csv_cut_short_while_being_read_fails_the_load_with_one_line()
    {
        var path = _ws.PathOf("events.csv");
        File.WriteAllText(path, "timestamp,event\n" + string.Concat(Enumerable.Repeat("2026-02-01,x\n", 200_000)));
        var ex = Assert.Throws<DataLoadException>(() => DataFile.Read(path, () =>
        {
            using var reader = new CsvRowReader(DataFile.Open(path), "events.csv");
            reader.Read();
            using (var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                writer.SetLength(100_000); // far below the 1 MB the reader has buffered
            while (reader.Read())
            {
            }
        }));

        AssertOneLineNaming(ex, "events.csv", "the file shrank while being read: it had 2,600,016 bytes when opened and ends at byte");
    }

    [Fact]
    public void A_file_deleted_while_being_read_is_read_whole_through_its_open_handle()
    {
        var path = _ws.PathOf("events.csv.gz");
        File.WriteAllBytes(path, _big.Bytes);
        using var stream = DataFile.Open(path);
        var buffer = new byte[1 << 16];
        stream.ReadExactly(buffer);
        File.Delete(path);

        long total = buffer.Length;
        int n;
        while ((n = stream.Read(buffer)) > 0)
            total += n;

        using var whole = new GZipStream(new MemoryStream(_big.Bytes), CompressionMode.Decompress);
        using var counter = new MemoryStream();
        whole.CopyTo(counter);
        Assert.Equal(counter.Length, total);
    }

    [Fact]
    public void A_read_ahead_producer_that_dies_while_the_ring_is_full_fails_the_reader()
    {
        // 8 MB of data (twice the ring) and then a failure nobody expects (not an IOException).
        using var stream = new ReadAheadStream(new FailingStream(8 << 20));
        Thread.Sleep(200); // let the producer fill the ring and block, as a slow parser would
        var read = Task.Run(() =>
        {
            var buffer = new byte[1 << 16];
            while (stream.Read(buffer) > 0)
            {
            }
        });

        AssertEnds(read);
        var ex = Assert.IsAssignableFrom<IOException>(read.Exception?.InnerException);
        Assert.Contains("the disk went away", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposing_a_read_ahead_stream_with_a_full_ring_stops_its_thread()
    {
        var inner = new FailingStream(long.MaxValue);
        var stream = new ReadAheadStream(inner);
        stream.ReadExactly(new byte[10]);
        var dispose = Task.Run(stream.Dispose);
        AssertEnds(dispose);
        Assert.True(inner.Disposed);
    }

    [Theory]
    [InlineData("2026-02-01,doc_created,,a1,,e-last,\"{\"\"plan\"\":\"\"pa", "ends inside a quoted field that is never closed")]
    [InlineData("2026-02-01,doc_crea", "has 2 fields, the header has 7")]
    public async Task A_plain_csv_whose_last_line_is_cut_short_rejects_it_with_its_line(string lastLine, string reason)
    {
        var rows = string.Concat(Enumerable.Range(0, 300_000).Select(i => $"2026-02-01T10:00:00Z,doc_created,,a{i % 7},,e{i},\n"));
        var config = Workspace(Encoding.UTF8.GetBytes("timestamp,event,user_id,account_id,product,event_id,properties\n" + rows + lastLine),
            Yaml.Replace("events.csv.gz", "events.csv", StringComparison.Ordinal), "events.csv");

        var load = Task.Run(() => WorkspaceLoader.Load(config));
        AssertEnds(load);
        var (store, report) = await load;

        Assert.Equal(300_000, store.EventCount);
        var events = report.Files.Single(f => f.Table == "events");
        Assert.Equal((300_001L, 1L), (events.Read, events.Rejected));
        var reject = File.ReadAllLines(report.RejectsPath!)[1];
        Assert.Contains(",300002,(row),", reject, StringComparison.Ordinal);
        Assert.Contains(reason, reject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"timestamp\":\"2026-02-01\",\"event\":\"doc_created\",\"account_id\":\"a1\"")]
    [InlineData("{\"timestamp\":\"2026-02-01\",\"ev")]
    public async Task An_ndjson_file_whose_last_line_is_cut_short_rejects_it_with_its_line(string lastLine)
    {
        var rows = string.Concat(Enumerable.Range(0, 300_000).Select(i => $"{{\"timestamp\":\"2026-02-01T10:00:00Z\",\"event\":\"doc_created\",\"account_id\":\"a{i % 7}\",\"event_id\":\"e{i}\"}}\n"));
        var config = Workspace(Encoding.UTF8.GetBytes(rows + lastLine), Yaml.Replace("events.csv.gz", "events.json", StringComparison.Ordinal), "events.json");

        var load = Task.Run(() => WorkspaceLoader.Load(config));
        AssertEnds(load);
        var (store, report) = await load;

        Assert.Equal(300_000, store.EventCount);
        var reject = File.ReadAllLines(report.RejectsPath!)[1];
        Assert.Contains(",300001,(row),", reject, StringComparison.Ordinal);
        Assert.Contains("is not valid JSON", reject, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_ids_hash_with_xxhash128_and_a_million_distinct_ids_are_all_new()
    {
        Assert.Equal(System.IO.Hashing.XxHash128.HashToUInt128(Encoding.Unicode.GetBytes("evt-42")), EventIdSet.Hash("evt-42"));
        var set = new EventIdSet();
        for (var i = 0; i < 1_000_000; i++)
            Assert.True(set.Add(FormattableString.Invariant($"e{i}")));
        Assert.False(set.Add("e999999"));
        Assert.Equal(1_000_000, set.Count);
    }

    /// <summary>Endless zeros up to a length, then an exception of a type the producer was never told about.</summary>
    private sealed class FailingStream(long length) : Stream
    {
        private long _position;
        public bool Disposed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= length)
                throw new NotSupportedException("the disk went away");
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
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
    }
}
