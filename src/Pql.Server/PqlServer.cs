using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pql.Core.Application;
using Pql.Core.State;
using Pql.Server.Apis;
using Pql.Server.Live;
using Pql.Server.Security;
using Prometheus;
using Scalar.AspNetCore;

namespace Pql.Server;

/// <summary>
/// <c>pql serve</c>: the always-on engine. Loads the workspace, then serves the HTTP API (ingest, reads), the web app for reps,
/// OpenAPI with a browsable reference, health and Prometheus metrics, while the rescorer and the outbox dispatcher run as
/// background services in the same process.
/// </summary>
public static class PqlServer
{
    public static WebApplication Build(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(PqlServer).Assembly.GetName().Name });
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.Logging.ClearProviders();
        if (options.Log is { } writer)
            builder.Logging.AddProvider(new TextWriterLoggerProvider(writer));

        var engine = new WorkspaceEngine(options);
        var health = new ServiceHealth();
        try
        {
            engine.Reload();
            engine.LearnSegmentEventIds();
            // Serving acts on the workspace: a pql.yaml changed since the last audited one is recorded before the first request.
            engine.WithStateAsync(s => ConfigAudit.RecordIfChangedAsync(engine.Config, s, Actor.OperatingSystemUser()), CancellationToken.None).GetAwaiter().GetResult();
            health.MarkLoaded();
        }
        catch
        {
            engine.Dispose();
            throw;
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(engine);
        builder.Services.AddSingleton(health);
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<IngestService>();
        builder.Services.AddSingleton<ScoreBoard>();
        builder.Services.AddSingleton<IEntityHistory>(SqliteEntityHistory.OpenWorkspace(engine.Config.StateDirectory));
        builder.Services.AddHostedService<Rescorer>();
        builder.Services.AddHostedService<DispatcherService>();
        builder.Services.AddHostedService<ScheduleService>();

        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.Converters.Add(new FiniteDoubleConverter()));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Read, p => p.RequireRole(Policies.RolesFor(Policies.Read)))
            .AddPolicy(Policies.Write, p => p.RequireRole(Policies.RolesFor(Policies.Write)))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Policies.RolesFor(Policies.Admin)));
        builder.Services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // One token bucket per key (by name once authenticated, else per client address).
            r.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                RateLimitPartition.GetTokenBucketLimiter(ctx.User.Identity?.Name ?? ctx.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = Math.Max(1, options.RequestsPerSecond),
                        TokensPerPeriod = Math.Max(1, options.RequestsPerSecond),
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    }));
        });

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(engine.Dispose);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapHealthApi();
        app.MapIngestApi();
        app.MapScoresApi();
        app.MapEntitiesApi();
        app.MapGovernanceApi();
        app.MapFeedbackLoopApi();
        // Documentation and the web app's own files hold no data; every data route needs a key.
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ServerMetrics>().Registry).RequireAuthorization(Policies.Read);
        MapWebApp(app);
        return app;
    }

    /// <summary>Builds, starts, reports where it listens, and runs until <paramref name="cancellationToken"/> or a shutdown signal.</summary>
    public static async Task RunAsync(ServerOptions options, Action<string> started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        await using var app = Build(options);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        started(string.Join(", ", app.Urls));
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The web app: static files embedded in this assembly (no build step), index.html at /.</summary>
    private static void MapWebApp(WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(PqlServer).Assembly, "Pql.Server.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
    }
}

/// <summary>Log lines to a writer (the CLI's error stream): level, category and message; request headers are never logged.</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(writer, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter writer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && (logLevel >= LogLevel.Warning || !category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            lock (writer)
            {
                writer.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel.ToString().ToLowerInvariant()} {category}: {formatter(state, exception)}");
                if (exception is not null)
                    writer.WriteLine("  " + exception.Message);
            }
        }
    }
}
