using Xunit.Abstractions;
using Xunit.Sdk;

namespace Pql.Core.Tests.Servers;

/// <summary>
/// Names the environment variable holding the connection string of the server a test class needs (PostgreSQL, ClickHouse). When it is
/// unset, every <see cref="ServerFactAttribute"/> of the class is reported skipped with <see cref="What"/> in the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresServerAttribute(string environmentVariable, string what) : Attribute
{
    public string EnvironmentVariable { get; } = environmentVariable;
    public string What { get; } = what;

    public static string? Value(string environmentVariable) =>
        Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } v ? v : null;
}

/// <summary>
/// An ordinary fact, except that it is skipped (with the reason) when the concrete test class carries <see cref="RequiresServerAttribute"/>
/// and its variable is unset. Contract tests are written once in an abstract base with this attribute: the SQLite subclass always runs,
/// the PostgreSQL subclass runs where a server is configured (CI starts one).
/// </summary>
[XunitTestCaseDiscoverer("Pql.Core.Tests.Servers.ServerFactDiscoverer", "Pql.Core.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ServerFactAttribute : FactAttribute;

public sealed class ServerFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var requires = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresServerAttribute)).FirstOrDefault();
        var variable = requires?.GetConstructorArguments().First() as string;
        var skip = variable is not null && RequiresServerAttribute.Value(variable) is null
            ? $"{variable} is not set: no {requires!.GetConstructorArguments().ElementAt(1)} to test against (.ci/run starts one)"
            : null;
        yield return new ServerTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(),
            testMethod, skip);
    }
}

/// <summary>A fact whose skip reason is decided at discovery, not written in the attribute.</summary>
public sealed class ServerTestCase : XunitTestCase
{
    private string? _skip;

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ServerTestCase()
    {
    }

    public ServerTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string? skip)
        : base(sink, display, options, method) => _skip = skip;

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => _skip ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("ServerSkip", _skip);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _skip = data.GetValue<string>("ServerSkip");
        base.Deserialize(data);
    }
}
