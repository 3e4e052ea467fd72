using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>A request as the fake received it.</summary>
internal sealed record FakeRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string? QueryValue(string name)
    {
        foreach (var pair in Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && Uri.UnescapeDataString(pair[..eq]) == name)
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
        }
        return null;
    }
}

/// <summary>An answer; <paramref name="Headers"/> are extra response headers (a vendor's rate-limit reset, for instance).</summary>
internal sealed record FakeResponse(int Status, string Body = "", string ContentType = "application/json", string? RetryAfter = null,
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>A fault the fake serves instead of the API's answer, once per queued entry.</summary>
internal enum Fault
{
    RateLimited,
    ServerError,
    Unauthorized,
    Stall,
}

/// <summary>
/// An in-process HTTP/1.1 server on 127.0.0.1 and a free port, written on a raw socket so that clients killed mid-request
/// cannot take it down. Every request is recorded, then either a queued fault is served (429 with Retry-After, 503, 401,
/// or no answer until the client gives up) or the API handler answers.
/// </summary>
internal sealed class FakeHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<FakeRequest, FakeResponse> _handler;
    private readonly Func<FakeResponse> _unauthorized;
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly List<FakeRequest> _received = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeHttpServer(Func<FakeRequest, FakeResponse> handler, Func<FakeResponse>? unauthorized = null)
    {
        _handler = handler;
        _unauthorized = unauthorized ?? (() => new FakeResponse(401, """{"message":"unauthorized"}"""));
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    /// <summary>Seconds sent in Retry-After with a queued <see cref="Fault.RateLimited"/>.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    public IReadOnlyList<FakeRequest> Received
    {
        get
        {
            lock (_received)
                return [.. _received];
        }
    }

    public void Enqueue(Fault fault, int times = 1)
    {
        for (var i = 0; i < times; i++)
            _faults.Enqueue(fault);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = Task.Run(() => ServeConnectionAsync(client));
        }
    }

    private async Task ServeConnectionAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = new BufferedStream(client.GetStream());
                while (!_stop.IsCancellationRequested)
                {
                    var request = await ReadRequestAsync(stream).ConfigureAwait(false);
                    if (request is null)
                        return;
                    lock (_received)
                        _received.Add(request);
                    var response = Answer(request);
                    if (response is null)
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);   // stall: the client times out
                        return;
                    }
                    await WriteResponseAsync(stream, response).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
    }

    private FakeResponse? Answer(FakeRequest request)
    {
        if (!_faults.TryDequeue(out var fault))
        {
            try
            {
                return _handler(request);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or NullReferenceException)
            {
                return new FakeResponse(500, $"fake failed: {ex.GetType().Name}: {ex.Message}", "text/plain");
            }
        }
        return fault switch
        {
            Fault.Stall => null,
            Fault.RateLimited => new FakeResponse(429, """{"message":"rate limited"}""", RetryAfter: RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Fault.ServerError => new FakeResponse(503, """{"message":"unavailable"}"""),
            _ => _unauthorized(),
        };
    }

    private static async Task<FakeRequest?> ReadRequestAsync(Stream stream)
    {
        var line = await ReadLineAsync(stream).ConfigureAwait(false);
        if (string.IsNullOrEmpty(line))
            return null;
        var parts = line.Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await ReadLineAsync(stream).ConfigureAwait(false) is { Length: > 0 } header)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var prior) ? prior + ", " + value : value;
        }
        var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        await stream.ReadExactlyAsync(body).ConfigureAwait(false);
        var target = parts[1];
        var q = target.IndexOf('?', StringComparison.Ordinal);
        return new FakeRequest(parts[0], q < 0 ? target : target[..q], q < 0 ? "" : target[q..], headers, Encoding.UTF8.GetString(body));
    }

    private static async Task<string?> ReadLineAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one).ConfigureAwait(false) == 0)
                return bytes.Count == 0 ? null : Encoding.ASCII.GetString([.. bytes]);
            if (one[0] == (byte)'\n')
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            bytes.Add(one[0]);
        }
    }

    private static async Task WriteResponseAsync(Stream stream, FakeResponse response)
    {
        var body = response.Status == 204 ? [] : Encoding.UTF8.GetBytes(response.Body);
        var head = new StringBuilder();
        head.Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} Fake\r\n");
        head.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Type: {response.ContentType}\r\nContent-Length: {body.Length}\r\n");
        if (response.RetryAfter is not null)
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"Retry-After: {response.RetryAfter}\r\n");
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString())).ConfigureAwait(false);
        await stream.WriteAsync(body).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
