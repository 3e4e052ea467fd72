using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// The text encodings a CSV file may declare. UTF-8 is decoded strictly but without stopping the file: each invalid
/// byte b becomes the lone surrogate U+DC00+b (the "surrogateescape" convention, see <see cref="EscapingUtf8Reader"/>),
/// which valid UTF-8 can never produce, so the reader can reject exactly the rows that hold one and name the byte.
/// </summary>
internal static class TextDecoding
{
    public const char FirstEscape = '\uDC80';
    public const char LastEscape = '\uDCFF';

    private static readonly Lazy<Encoding> s_windows1252 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    });

    /// <summary>A reader of the stream's text in the given encoding (strict, escaping UTF-8 by default).</summary>
    public static TextReader Open(Stream stream, TextEncoding encoding) => encoding switch
    {
        TextEncoding.Latin1 => new StreamReader(stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16),
        TextEncoding.Windows1252 => new StreamReader(stream, s_windows1252.Value, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16),
        _ => new EscapingUtf8Reader(stream),
    };

    /// <summary>
    /// Decodes a whole block (ending at a line end or the end of the file, so no UTF-8 sequence is cut) into
    /// <paramref name="chars"/> (at least one char per byte), exactly as <see cref="Open"/>'s reader would; returns the chars written.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> bytes, TextEncoding encoding, Span<char> chars)
    {
        if (encoding == TextEncoding.Latin1)
            return Encoding.Latin1.GetChars(bytes, chars);
        if (encoding == TextEncoding.Windows1252)
            return s_windows1252.Value.GetChars(bytes, chars);
        var written = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes, chars[written..], out var read, out var n, replaceInvalidSequences: false, isFinalBlock: true);
            written += n;
            bytes = bytes[read..];
            if (status != OperationStatus.InvalidData)
                return written;
            chars[written++] = (char)(FirstEscape - 0x80 + bytes[0]);
            bytes = bytes[1..];
        }
    }

    /// <summary>Whether the text holds an escaped invalid byte (a lone surrogate in the escape range).</summary>
    public static int IndexOfEscape(ReadOnlySpan<char> text)
    {
        var from = 0;
        while (true)
        {
            var k = text[from..].IndexOfAnyInRange(FirstEscape, LastEscape);
            if (k < 0)
                return -1;
            k += from;
            if (k == 0 || !char.IsHighSurrogate(text[k - 1]))
                return k;
            from = k + 1; // the low half of a real surrogate pair (an emoji, say)
        }
    }

    /// <summary>The UTF-8 byte offset of char index <paramref name="index"/>, counting each escape as the one byte it stands for.</summary>
    public static int ByteOffset(ReadOnlySpan<char> text, int index)
    {
        var bytes = 0;
        for (var i = 0; i < index; i++)
        {
            var c = text[i];
            if (c is >= FirstEscape and <= LastEscape && (i == 0 || !char.IsHighSurrogate(text[i - 1])))
                bytes += 1;
            else if (char.IsHighSurrogate(c))
                bytes += 2; // with its low half below: 4 bytes per pair
            else if (char.IsLowSurrogate(c))
                bytes += 2;
            else
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return bytes;
    }
}
