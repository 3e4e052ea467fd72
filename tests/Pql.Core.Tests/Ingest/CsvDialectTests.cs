using System.Text;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Ingest;

/// <summary>Encodings, delimiters, duplicate columns, conflicting duplicate rows and row filters: nothing is lost silently.</summary>
public sealed class CsvDialectTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private const string Events = "timestamp,event,account_id\n2026-02-01,login,acme\n";

    private void Latin1Users()
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");
        File.WriteAllBytes(_ws.PathOf("users.csv"), Encoding.Latin1.GetBytes(
            "user_id,account_id,created_at\nj\u00fcrgen,acme,2026-01-02\nj\u00f6rgen,acme,2026-01-03\nanna,acme,2026-01-04\n"));
        _ws.File("events.csv", Events);
    }

    [Fact]
    public void Latin1_bytes_under_the_default_strict_utf8_reject_their_rows_naming_the_byte_and_its_position()
    {
        Latin1Users();
        var load = WorkspaceLoader.Load(_ws.Config("data:\n  accounts: accounts.csv\n  users: users.csv\n  events: events.csv\n  max_reject_share: 0.5\n"));

        var users = load.Report.Files.Single(f => f.Table == "users");
        Assert.Equal((3, 1, 0, 2), (users.Read, users.Loaded, users.Duplicates, users.Rejected)); // not merged, not repaired
        Assert.Equal(1, load.Store.UserCount);
        var lines = File.ReadAllLines(load.Report.RejectsPath!);
        Assert.Contains(lines, l => l.Contains(",2,user_id,\"is not valid UTF-8: byte 0xFC at byte 2 of the line", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",3,user_id,\"is not valid UTF-8: byte 0xF6 at byte 2 of the line", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("latin1")]
    [InlineData("windows-1252")]
    public void Latin1_ids_load_distinct_when_the_encoding_is_declared(string encoding)
    {
        Latin1Users();
        var (store, report) = WorkspaceLoader.Load(_ws.Config(
            $"data:\n  accounts: accounts.csv\n  users: {{ path: users.csv, encoding: {encoding} }}\n  events: events.csv\n"));

        Assert.Equal(0, report.Rejected);
        Assert.True(store.UserIds.Find("j\u00fcrgen") >= 0);
        Assert.True(store.UserIds.Find("j\u00f6rgen") >= 0);
        Assert.Equal(3, store.UserCount);
    }

    [Fact]
    public void Valid_utf8_with_emoji_and_a_bom_loads_untouched()
    {
        _ws.File("accounts.csv", "\uFEFFaccount_id,created_at,name\nacme,2026-01-01,Caf\u00e9 \U0001F600\n");
        _ws.File("events.csv", Events);
        var (store, report) = WorkspaceLoader.Load(_ws.Config("data:\n  accounts: accounts.csv\n  events: events.csv\n"));

        Assert.Equal(0, report.Rejected);
        Assert.Equal("Caf\u00e9 \U0001F600", store.AccountAttribute("name")!.Levels[0]);
    }

    [Theory]
    [InlineData(";", "';'-delimited: set data.events.delimiter: \";\"")]
    [InlineData("\t", "tab-delimited: set data.events.delimiter: tab")]
    [InlineData("|", "'|'-delimited: set data.events.delimiter: \"|\"")]
    public void A_header_read_as_one_delimited_column_names_the_likely_delimiter_and_the_key(string d, string hint)
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");
        _ws.File("events.csv", $"timestamp{d}event{d}account_id\n2026-02-01{d}login{d}acme\n");

        var ex = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_ws.Config("data:\n  accounts: accounts.csv\n  events: events.csv\n")));

        Assert.Contains("events.csv: the header reads as one column", ex.Message);
        Assert.Contains(hint, ex.Message);
    }

    [Fact]
    public void A_declared_semicolon_delimiter_loads_the_file()
    {
        _ws.File("accounts.csv", "account_id;created_at\nacme;2026-01-01\n");
        _ws.File("events.csv", "timestamp;event;account_id\n2026-02-01;login;acme\n2026-02-02;\"a;b\";acme\n");
        var (store, report) = WorkspaceLoader.Load(_ws.Config(
            "data:\n  accounts: { path: accounts.csv, delimiter: \";\" }\n  events: { path: events.csv, delimiter: \";\" }\n"));

        Assert.Equal(0, report.Rejected);
        Assert.Equal(2, store.EventCount);
        Assert.True(store.EventNames.Find("a;b") >= 0);
    }

    [Fact]
    public void Two_columns_with_the_same_name_are_an_error_naming_both_positions()
    {
        _ws.File("accounts.csv", "account_id,created_at,plan,plan\nacme,2026-01-01,free,pro\n");
        _ws.File("events.csv", Events);

        var ex = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_ws.Config("data:\n  accounts: accounts.csv\n  events: events.csv\n")));

        Assert.Contains("accounts.csv: columns 3 and 4 are both named 'plan'", ex.Message);
    }

    [Fact]
    public void Conflicting_duplicate_entity_rows_are_reported_with_the_row_kept_and_exact_repeats_are_not()
    {
        _ws.File("accounts.csv", "account_id,created_at,plan\nacme,2026-01-01,free\nbeta,2026-01-01,pro\nacme,2026-01-01,pro\nbeta,2026-01-01,pro\n");
        _ws.File("users.csv", "user_id,account_id,created_at\nu1,acme,2026-01-02\nu1,beta,2026-01-02\n");
        _ws.File("events.csv", Events);
        var (store, report) = WorkspaceLoader.Load(_ws.Config("data:\n  accounts: accounts.csv\n  users: users.csv\n  events: events.csv\n"));

        Assert.Equal(3, report.Duplicates);
        Assert.Equal(2, report.ConflictingDuplicates);
        Assert.Contains("accounts.csv:4 account 'acme' repeats accounts.csv:2 with a different 'plan' (\"pro\" here, \"free\" kept); the row at accounts.csv:2 is kept", report.ConflictSamples);
        Assert.Contains("users.csv:3 user 'u1' repeats users.csv:2 with a different 'account_id' (\"beta\" here, \"acme\" kept); the row at users.csv:2 is kept", report.ConflictSamples);
        Assert.Equal("free", store.AccountAttribute("plan")!.Levels[store.AccountAttribute("plan")!.Codes[store.AccountIds.Find("acme")]]);
        Assert.Contains("2 duplicate ids differ from the row kept", report.Summary());
    }

    [Fact]
    public void Where_filters_drop_rows_on_any_table_and_count_them_apart_from_rejects()
    {
        _ws.File("accounts.csv", "account_id,created_at,status\nacme,2026-01-01,active\ntest,2026-01-01,internal\n");
        _ws.File("events.csv", "timestamp,event,account_id,stage\n2026-02-01,deal,acme,Won\n,deal,acme,Engaging\n2026-02-03,deal,acme,Lost\nbad,deal,acme,Won\n");
        var (store, report) = WorkspaceLoader.Load(_ws.Config("""
            data:
              accounts: { path: accounts.csv, where: { status: { not: internal } } }
              events: { path: events.csv, where: { stage: [Won, Lost] } }
              max_reject_share: 0.5
            """));

        var accounts = report.Files.Single(f => f.Table == "accounts");
        var events = report.Files.Single(f => f.Table == "events");
        Assert.Equal((2, 1, 1, 0), (accounts.Read, accounts.Loaded, accounts.Filtered, accounts.Rejected));
        Assert.Equal((4, 2, 1, 1), (events.Read, events.Loaded, events.Filtered, events.Rejected)); // the open deal has no date: filtered, not rejected
        Assert.Equal(events.Read, events.Loaded + events.Duplicates + events.Rejected + events.Filtered);
        Assert.Equal(1, store.AccountCount);
        Assert.Contains("filtered out by 'where' 2", report.Summary());
    }

    [Fact]
    public void A_filter_on_a_missing_column_fails_naming_it()
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");
        _ws.File("events.csv", Events);

        var ex = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_ws.Config(
            "data:\n  accounts: accounts.csv\n  events: { path: events.csv, where: { stage: Won } }\n")));

        Assert.Contains("missing required column 'stage'", ex.Message);
    }

    [Fact]
    public void Unknown_encodings_and_long_delimiters_are_config_errors()
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");
        _ws.File("events.csv", Events);

        var enc = Assert.Throws<ConfigException>(() => _ws.Config("data:\n  accounts: { path: accounts.csv, encoding: ebcdic }\n  events: events.csv\n"));
        var del = Assert.Throws<ConfigException>(() => _ws.Config("data:\n  accounts: accounts.csv\n  events: { path: events.csv, delimiter: \";;\" }\n"));

        Assert.Contains("data.accounts.encoding", enc.Message);
        Assert.Contains("data.events.delimiter", del.Message);
    }

    [Fact]
    public void The_escaping_utf8_reader_keeps_sequences_split_across_reads_and_escapes_each_invalid_byte()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("a\u00e9\U0001F600")).Concat(new byte[] { 0xFC, 0xC3, (byte)'x' }).ToArray();
        using var reader = new EscapingUtf8Reader(new TrickleStream(bytes));

        var text = reader.ReadToEnd();

        Assert.Equal("a\u00e9\U0001F600\uDCFC\uDCC3x", text);
        Assert.Equal(4, TextDecoding.IndexOfEscape(text));
        Assert.Equal(1 + 2 + 4, TextDecoding.ByteOffset(text, 4));
    }

    /// <summary>A stream that returns one byte per read, so every multi-byte sequence is split.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
    }
}
