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

internal sealed record FakeResponse(int Status, string Body = "", string ContentType = "application/json", string? RetryAfter = null);

/// <summary>A fault the fake serves instead of the API's answer, once per queued entry.</summary>
internal enum Fault
{
    RateLimited,
    ServerError,
    Unauthorized,
    Stall,
}

/// <summary>
/// An in-process HTTP server on 127.0.0.1 and a free port. Every request is recorded, then either a queued fault is served
/// (429 with Retry-After, 503, 401, or no answer until the client gives up) or the API handler answers.
/// </summary>
internal sealed class FakeHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
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
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
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

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            var req = context.Request;
            string body;
            using (var reader = new StreamReader(req.InputStream, Encoding.UTF8))
                body = await reader.ReadToEndAsync().ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var key in req.Headers.AllKeys)
                headers[key!] = req.Headers[key]!;
            var request = new FakeRequest(req.HttpMethod, req.Url!.AbsolutePath, req.Url.Query, headers, body);
            lock (_received)
                _received.Add(request);

            FakeResponse response;
            if (_faults.TryDequeue(out var fault))
            {
                if (fault == Fault.Stall)
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    return;
                }
                response = fault switch
                {
                    Fault.RateLimited => new FakeResponse(429, """{"message":"rate limited"}""", RetryAfter: RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    Fault.ServerError => new FakeResponse(503, """{"message":"unavailable"}"""),
                    _ => _unauthorized(),
                };
            }
            else
            {
                response = _handler(request);
            }
            var res = context.Response;
            res.StatusCode = response.Status;
            res.ContentType = response.ContentType;
            if (response.RetryAfter is not null)
                res.Headers["Retry-After"] = response.RetryAfter;
            var bytes = Encoding.UTF8.GetBytes(response.Body);
            if (response.Status != 204)
                await res.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            res.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
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
