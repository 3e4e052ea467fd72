namespace Pql.Core.Events;

/// <summary>
/// An append-only column stored in fixed 1M-element chunks: growing never copies what is already stored and
/// never holds twice the memory, which keeps a 10M-event load's peak low.
/// </summary>
internal sealed class ChunkedColumn<T>
    where T : unmanaged
{
    private const int Shift = 20;
    private const int Mask = (1 << Shift) - 1;
    private readonly List<T[]> _chunks = [];
    private T[] _last = [];
    private int _count;

    public int Count => _count;

    public void Add(T value)
    {
        var i = _count & Mask;
        // The common case, one store into the last chunk; starting a chunk or growing the first one is rare.
        if ((uint)i < (uint)_last.Length && _count >> Shift == _chunks.Count - 1)
        {
            _last[i] = value;
            _count++;
            return;
        }
        AddSlow(value);
    }

    private void AddSlow(T value)
    {
        var c = _count >> Shift;
        if (c == _chunks.Count)
            _chunks.Add(new T[Math.Min(1 << Shift, Math.Max(1024, _count))]);
        var chunk = _chunks[c];
        var i = _count & Mask;
        if (i == chunk.Length)
        {
            // The first chunk starts small for small loads and grows up to the full chunk size.
            Array.Resize(ref chunk, Math.Min(1 << Shift, chunk.Length * 2));
            _chunks[c] = chunk;
        }
        chunk[i] = value;
        _last = chunk;
        _count++;
    }

    public T this[int index] => _chunks[index >> Shift][index & Mask];
}
