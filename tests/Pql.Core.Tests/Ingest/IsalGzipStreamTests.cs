using System.IO.Compression;
using System.Text;
using Pql.Core.Ingest;

namespace Pql.Core.Tests.Ingest;

/// <summary>
/// ISA-L inflate gives zlib's bytes and zlib's strictness. Where libisal2 is missing the engine inflates with zlib,
/// and the same checks run on that (.ci/run installs libisal2 when it can).
/// </summary>
public sealed class IsalGzipStreamTests
{
    private static Stream Inflater(byte[] data, string name) =>
        IsalGzipStream.Available ? new IsalGzipStream(new MemoryStream(data), name) : new StrictGzipStream(new MemoryStream(data), name);

    private static byte[] Gzip(params string[] members)
    {
        using var gz = new MemoryStream();
        foreach (var text in members)
        {
            using var member = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true);
            member.Write(Encoding.UTF8.GetBytes(text));
        }
        return gz.ToArray();
    }

    private static string Rows(int n, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("timestamp,event,user_id\n");
        for (var i = 0; i < n; i++)
            sb.Append("2026-02-").Append(1 + rng.Next(28)).Append("T10:00:00Z,ev").Append(rng.Next(50)).Append(",u").Append(rng.Next(10_000)).Append('\n');
        return sb.ToString();
    }

    private static string Inflate(Stream stream)
    {
        using var output = new MemoryStream();
        stream.CopyTo(output, 7777); // an odd buffer size: output boundaries fall inside members and at their ends
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void Isa_l_inflates_several_members_to_the_same_text_as_zlib()
    {
        var a = Rows(50_000, 1);
        var b = Rows(3, 2);
        var data = Gzip(a, b, a);

        using var isal = Inflater(data, "x.csv.gz");
        using var zlib = new StrictGzipStream(new MemoryStream(data), "x.csv.gz");

        var text = Inflate(isal);
        Assert.Equal(a + b + a, text);
        Assert.Equal(Inflate(zlib), text);
    }

    [Fact]
    public void A_truncated_file_fails_naming_the_file()
    {
        var data = Gzip(Rows(20_000, 3));
        using var isal = Inflater(data[..(data.Length - 5)], "cut.csv.gz");

        var ex = Assert.Throws<InvalidDataException>(() => Inflate(isal));

        Assert.StartsWith("cut.csv.gz: the gzip file is truncated at byte", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_member_or_crc_fails()
    {
        var data = Gzip(Rows(20_000, 4));
        var crc = (byte[])data.Clone();
        crc[^6] ^= 0xFF; // the CRC32 in the trailer
        var body = (byte[])data.Clone();
        body[body.Length / 2] ^= 0xFF;

        Assert.Contains("corrupt", Assert.Throws<InvalidDataException>(() => Inflate(Inflater(crc, "crc.gz"))).Message);
        Assert.Contains("crc.gz", Assert.Throws<InvalidDataException>(() => Inflate(Inflater(crc, "crc.gz"))).Message);
        Assert.ThrowsAny<InvalidDataException>(() => Inflate(Inflater(body, "body.gz")));
    }
}
