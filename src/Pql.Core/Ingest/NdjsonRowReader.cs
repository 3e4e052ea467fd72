using System.Text;
using System.Text.Json;

namespace Pql.Core.Ingest;

/// <summary>
/// Newline-delimited JSON reader: one object per line. Requested top-level fields become slots; properties are
/// taken from a nested <c>properties</c> object first, then from other top-level fields of the same name.
/// </summary>
internal sealed class NdjsonRowReader : RowReader
{
    private readonly Stream _stream;
    private byte[] _buf = new byte[1 << 20];
    private int _pos;
    private int _len;
    private bool _eof;
    private long _line;
    private byte[][] _slotNames = [];
    private char[] _chars = new char[4096];
    private int[] _slotStart = [];
    private int[] _slotLength = [];
    private bool[] _slotSeen = [];
    private int _charPos;
    private string[] _propertyKeys = [];
    private string?[] _propertyValues = [];
    private string?[] _topLevelValues = [];
    private string? _rowError;
    private string? _propertiesError;

    public NdjsonRowReader(Stream stream) => _stream = stream;

    public void Bind(IReadOnlyList<string> slotColumns, string[] propertyKeys)
    {
        _slotNames = new byte[slotColumns.Count][];
        for (var i = 0; i < slotColumns.Count; i++)
            _slotNames[i] = Encoding.UTF8.GetBytes(slotColumns[i]);
        _slotStart = new int[slotColumns.Count];
        _slotLength = new int[slotColumns.Count];
        _slotSeen = new bool[slotColumns.Count];
        _propertyKeys = propertyKeys;
        _propertyValues = new string?[propertyKeys.Length];
        _topLevelValues = new string?[propertyKeys.Length];
    }

    public override long Line => _line;
    public override string? RowError => _rowError;
    public override string? PropertiesError => _propertiesError;
    public override bool HasColumn(int slot) => _slotSeen[slot];
    public override string? Property(int keyIndex) => _propertyValues[keyIndex] ?? _topLevelValues[keyIndex];

    public override ReadOnlySpan<char> Get(int slot) =>
        _slotLength[slot] < 0 ? default : _chars.AsSpan(_slotStart[slot], _slotLength[slot]);

    public override bool Read()
    {
        while (NextLine(out var line))
        {
            _line++;
            if (line.Trim((byte)' ').Trim((byte)'\r').IsEmpty)
                continue;
            Parse(line);
            return true;
        }
        return false;
    }

    private void Parse(ReadOnlySpan<byte> line)
    {
        Array.Fill(_slotLength, -1);
        Array.Clear(_propertyValues);
        Array.Clear(_topLevelValues);
        _charPos = 0;
        _rowError = null;
        _propertiesError = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                _rowError = "is not a JSON object";
                return;
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var slot = -1;
                for (var s = 0; s < _slotNames.Length; s++)
                {
                    if (reader.ValueTextEquals(_slotNames[s]))
                    {
                        slot = s;
                        break;
                    }
                }
                var isProperties = reader.ValueTextEquals("properties"u8);
                var prop = -1;
                for (var k = 0; k < _propertyKeys.Length && slot < 0; k++)
                {
                    if (reader.ValueTextEquals(_propertyKeys[k]))
                        prop = k;
                }
                reader.Read();
                if (isProperties && reader.TokenType == JsonTokenType.StartObject)
                {
                    JsonProperties.ReadObject(ref reader, _propertyKeys, _propertyValues);
                    continue;
                }
                if (isProperties && reader.TokenType == JsonTokenType.String)
                {
                    // Properties given as a JSON string inside the JSON line.
                    var text = reader.GetString() ?? "";
                    _propertiesError = text.Length == 0 ? null : JsonProperties.Extract(Encoding.UTF8.GetBytes(text), _propertyKeys, _propertyValues);
                    continue;
                }
                if (slot >= 0)
                {
                    _slotSeen[slot] = true;
                    Store(slot, JsonProperties.ScalarText(ref reader));
                }
                else if (prop >= 0)
                {
                    _topLevelValues[prop] = JsonProperties.ScalarText(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            _rowError = $"is not valid JSON ({ex.Message.Split('.')[0]})";
        }
    }

    private void Store(int slot, string? text)
    {
        if (text is null)
            return;
        if (_charPos + text.Length > _chars.Length)
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charPos + text.Length));
        text.CopyTo(_chars.AsSpan(_charPos));
        _slotStart[slot] = _charPos;
        _slotLength[slot] = text.Length;
        _charPos += text.Length;
    }

    private bool NextLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var nl = _buf.AsSpan(_pos, _len - _pos).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = _buf.AsSpan(_pos, nl);
                _pos += nl + 1;
                return true;
            }
            if (_eof)
            {
                if (_pos < _len)
                {
                    line = _buf.AsSpan(_pos, _len - _pos);
                    _pos = _len;
                    return true;
                }
                line = default;
                return false;
            }
            var tail = _len - _pos;
            Array.Copy(_buf, _pos, _buf, 0, tail);
            _pos = 0;
            _len = tail;
            if (_len == _buf.Length)
                Array.Resize(ref _buf, _buf.Length * 2);
            var n = _stream.Read(_buf, _len, _buf.Length - _len);
            if (n == 0)
                _eof = true;
            _len += n;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _stream.Dispose();
    }
}
