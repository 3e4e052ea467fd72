using System.Globalization;
using System.Text;
using Pql.Core.Ingest;

namespace Pql.Core.Tests.Ingest;

/// <summary>
/// The parallel CSV path (blocks cut at line ends outside quotes, parsed on the thread pool) must read exactly what the
/// sequential reader reads: same rows in the same order, same line numbers, same row errors, values and properties, and
/// so the same store, report and rejects file. The data is messy on purpose: quoted newlines (some far longer than a
/// block), "" escapes, CRLF, blank lines, invalid UTF-8, a BOM, wrong field counts, bad JSON, bad timestamps, duplicate
/// ids, unknown accounts, implicit users and a last line cut inside a quote.
/// </summary>
public sealed class ParallelParseTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static readonly string[] Slots = ["timestamp", "event", "user_id", "account_id", "product", "event_id", "properties", "note"];

    /// <summary>Messy event rows; <paramref name="cutInQuote"/> ends the file inside a quoted field (no final newline).</summary>
    private static byte[] MessyEvents(int rows, int seed, char delimiter = ',', bool cutInQuote = false)
    {
        var random = new Random(seed);
        var d = delimiter;
        var text = new StringBuilder();
        text.Append('\uFEFF').Append(CultureInfo.InvariantCulture, $"timestamp{d}event{d}user_id{d}account_id{d}product{d}event_id{d}properties{d}note\n");
        var bytes = new List<byte>();
        for (var i = 0; i < rows; i++)
        {
            var ts = random.Next(20) == 0 ? "yesterday" : FormattableString.Invariant($"2026-03-{1 + random.Next(28):00}T{random.Next(24):00}:{random.Next(60):00}:00Z");
            var name = random.Next(30) == 0 ? "\"doc\"\"quoted\"\"\"" : random.Next(2) == 0 ? "doc_created" : "seat_added";
            var user = random.Next(10) == 0 ? "" : random.Next(15) == 0 ? $"stranger{random.Next(5)}" : $"u{random.Next(40)}";
            var account = random.Next(6) == 0 ? "" : random.Next(25) == 0 ? "nobody" : $"a{random.Next(8)}";
            var id = random.Next(12) == 0 ? $"e{random.Next(i + 1)}" : $"e{i}";
            var props = random.Next(8) switch
            {
                0 => $"\"{{\"\"plan\"\":\"\"p{random.Next(3)}\"\",\"\"seats\"\":{random.Next(9)}}}\"",
                1 => "\"{\"\"plan\"\":\"\"multi\nline\"\"}\"",
                2 => "\"{not json}\"",
                _ => "",
            };
            var note = random.Next(10) switch
            {
                0 => "\"two\nlines\r\nand more\"",
                1 => "\"" + new string('x', random.Next(3000)) + "\n" + new string('y', random.Next(50)) + "\"",
                2 => "plain",
                _ => "",
            };
            var fields = new[] { ts, name, user, account, random.Next(4) == 0 ? "docs" : "", id, props, note };
            var count = random.Next(40) == 0 ? 7 : 8; // a row one field short
            text.Append(string.Join(d, fields.Take(count)));
            text.Append(random.Next(5) == 0 ? "\r\n" : "\n");
            if (random.Next(50) == 0)
                text.Append('\n'); // a blank line
            if (i == rows / 2)
                text.Append(CultureInfo.InvariantCulture, $"2026-03-02T00:00:00Z{d}doc_created{d}u1{d}a1{d}{d}huge{d}{d}\"{new string('z', 300_000)}\nend\"\n");
            if (random.Next(60) == 0)
            {
                Flush(text, bytes);
                bytes.AddRange("2026-03-02T00:00:00Z,doc_"u8.ToArray());
                bytes.Add((byte)(0x80 + random.Next(0x7F))); // an invalid UTF-8 byte inside the event name
                bytes.AddRange(Encoding.UTF8.GetBytes(FormattableString.Invariant($"x{d}u1{d}a1{d}{d}bad{i}{d}{d}\n")));
            }
        }
        if (cutInQuote)
            text.Append(CultureInfo.InvariantCulture, $"2026-03-02T00:00:00Z{d}doc_created{d}u1{d}a1{d}{d}last{d}{d}\"never closed\nstill open");
        Flush(text, bytes);
        return [.. bytes];
    }

    private static void Flush(StringBuilder text, List<byte> bytes)
    {
        bytes.AddRange(Encoding.UTF8.GetBytes(text.ToString()));
        text.Clear();
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void Blocks_of_any_size_read_the_same_rows_as_one_thread(int blockBytes)
    {
        foreach (var cut in new[] { false, true })
        {
            var data = MessyEvents(3000, seed: blockBytes, cutInQuote: cut);
            using var sequential = new CsvRowReader(new MemoryStream(data), "events.csv");
            sequential.Bind(Slots, 6, ["plan", "seats"]);
            using var parallel = new ParallelCsvRowReader(new MemoryStream(data), "events.csv", blockBytes: blockBytes);
            parallel.Bind(Slots, 6, ["plan", "seats"]);
            Assert.Equal(sequential.Header, parallel.Header);
            var rows = 0;
            while (sequential.Read())
            {
                Assert.True(parallel.Read(), $"the parallel reader ended before row {rows + 1} (line {sequential.Line})");
                Assert.Equal(sequential.Line, parallel.Line);
                Assert.Equal(sequential.RowError, parallel.RowError);
                Assert.Equal(sequential.RowErrorField, parallel.RowErrorField);
                for (var s = 0; s < Slots.Length; s++)
                    Assert.Equal(sequential.Get(s).ToString(), parallel.Get(s).ToString());
                Assert.Equal(sequential.PropertiesError, parallel.PropertiesError);
                Assert.Equal(sequential.Property(0), parallel.Property(0));
                Assert.Equal(sequential.Property(1), parallel.Property(1));
                rows++;
            }
            Assert.False(parallel.Read());
            Assert.True(rows > 3000, $"only {rows} rows");
        }
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, "latin1")]
    [InlineData(true, ";")]
    public void A_workspace_loads_to_the_same_store_report_and_rejects_either_way(bool gzip, string? option)
    {
        var delimiter = option == ";" ? ';' : ',';
        var events = MessyEvents(60_000, seed: 5, delimiter, cutInQuote: true);
        if (option == "latin1")
            events = events[3..]; // a UTF-8 BOM is text in Latin-1 (it would rename the first column)
        var name = gzip ? "events.csv.gz" : "events.csv";
        if (gzip)
        {
            using var file = File.Create(_ws.PathOf(name));
            using var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
            gz.Write(events);
        }
        else
        {
            File.WriteAllBytes(_ws.PathOf(name), events);
        }
        _ws.File("accounts.csv", "account_id,created_at\n" + string.Concat(Enumerable.Range(0, 8).Select(a => $"a{a},2026-01-01\n")));
        _ws.File("users.csv", "user_id,account_id,created_at\n" + string.Concat(Enumerable.Range(0, 30).Select(u => $"u{u},a{u % 8},2026-01-02\n")));
        var tableOptions = option switch
        {
            "latin1" => "\n    encoding: latin1",
            ";" => "\n    delimiter: \";\"",
            _ => "",
        };
        var config = _ws.Config($$"""
            data:
              accounts: accounts.csv
              users: users.csv
              events:
                path: {{name}}{{tableOptions}}
              max_reject_share: 0.9
            goals:
              upgrade:
                achieved_when: { event: seat_added, where: { plan: p1 } }
                horizon: 30d
            """);
        var rejectsPath = Path.Combine(config.StateDirectory, WorkspaceLoader.RejectsFileName);

        var one = WorkspaceLoader.Load(config, new LoadOptions { Snapshot = false, ParallelParse = false, PropertyKeys = ["seats"] });
        var oneRejects = File.ReadAllText(rejectsPath);
        var many = WorkspaceLoader.Load(config, new LoadOptions { Snapshot = false, ParallelParse = true, PropertyKeys = ["seats"] });
        var manyRejects = File.ReadAllText(rejectsPath);

        StoreAssert.Same(one.Store, many.Store);
        Assert.Equal(one.Store.UserCreatedAt, many.Store.UserCreatedAt);
        Assert.Equal(one.Report.Summary(), many.Report.Summary());
        Assert.Equal(one.Report.ImplicitUsers, many.Report.ImplicitUsers);
        Assert.Equal(one.Report.RejectsByReason, many.Report.RejectsByReason);
        Assert.Equal(oneRejects, manyRejects);
        Assert.True(one.Report.Duplicates > 0 && one.Report.Rejected > 0 && one.Report.ImplicitUsers > 0, one.Report.Summary());
        Assert.True(one.Store.Properties["plan"].EventIndex.Length > 0);
    }
}
