using System.Text;

namespace Pql.Core.Demo;

/// <summary>
/// The vocabulary of the demo world: products and their events, account-level events, integrations and
/// firmographic categories. Names are kept as UTF-8 bytes too, so rows are written without string work.
/// </summary>
internal static class WorldCatalog
{
    /// <summary>Products in a fixed order; a product's index is its bit in adoption masks.</summary>
    public static readonly string[] Products = ["docs", "sheets", "chat", "automations"];

    /// <summary>Per product: its events, the core create event first and the share event last.</summary>
    public static readonly string[][] ProductEvents =
    [
        ["doc_created", "doc_edited", "doc_viewed", "comment_added", "doc_shared"],
        ["sheet_created", "sheet_edited", "formula_used", "chart_created", "sheet_shared"],
        ["channel_created", "message_sent", "huddle_started", "file_uploaded", "channel_shared"],
        ["workflow_created", "workflow_run", "trigger_added", "workflow_shared"],
    ];

    /// <summary>Relative frequency of each product's non-share events inside a session.</summary>
    public static readonly double[][] ProductEventWeights =
    [
        [2, 5, 6, 2],
        [2, 5, 4, 1],
        [1, 10, 1, 2],
        [1, 6, 1],
    ];

    /// <summary>How likely a new account starts with each product.</summary>
    public static readonly double[] FirstProductWeights = [0.40, 0.27, 0.23, 0.10];

    public const string IntegrationAdded = "integration_added";
    public const string UserInvited = "user_invited";
    public const string SubscriptionStarted = "subscription_started";
    public const string SeatsAdded = "seats_added";

    public static readonly string[] Integrations =
        ["slack", "github", "salesforce", "hubspot", "jira", "google_drive", "zapier", "zendesk"];

    public static readonly string[] Segments = ["smb", "mid_market", "enterprise"];
    public static readonly double[] SegmentWeights = [0.68, 0.24, 0.08];
    public static readonly string[] Industries =
        ["software", "retail", "finance", "healthcare", "education", "manufacturing", "media", "nonprofit"];
    public static readonly string[] Countries = ["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU", "CA", "NL"];
    /// <summary>Whole-hour UTC offsets of <see cref="Countries"/>, which shift the working day.</summary>
    public static readonly int[] CountryUtcOffsets = [-5, 0, 1, 1, 5, -3, 9, 10, -5, 1];
    public static readonly double[] CountryWeights = [0.34, 0.10, 0.09, 0.06, 0.10, 0.06, 0.05, 0.05, 0.08, 0.07];
    public static readonly string[] Roles = ["admin", "member", "viewer", "guest"];

    /// <summary>Every event name; ids index this array.</summary>
    public static readonly string[] EventNames;
    /// <summary>UTF-8 of <see cref="EventNames"/>.</summary>
    public static readonly byte[][] EventNameBytes;
    /// <summary>Product index of each event id, or -1 for account-level events.</summary>
    public static readonly int[] ProductOfEvent;
    /// <summary>First event id of each product (its create event).</summary>
    public static readonly int[] ProductFirstEvent;
    public static readonly byte[][] ProductBytes;
    public static readonly byte[][] IntegrationBytes;
    public static readonly byte[][] RoleBytes = Utf8(Roles);

    public static readonly int IntegrationAddedId;
    public static readonly int UserInvitedId;
    public static readonly int SubscriptionStartedId;
    public static readonly int SeatsAddedId;

    static WorldCatalog()
    {
        var names = new List<string>();
        var products = new List<int>();
        ProductFirstEvent = new int[Products.Length];
        for (var p = 0; p < Products.Length; p++)
        {
            ProductFirstEvent[p] = names.Count;
            foreach (var e in ProductEvents[p])
            {
                names.Add(e);
                products.Add(p);
            }
        }
        IntegrationAddedId = Add(names, products, IntegrationAdded);
        UserInvitedId = Add(names, products, UserInvited);
        SubscriptionStartedId = Add(names, products, SubscriptionStarted);
        SeatsAddedId = Add(names, products, SeatsAdded);
        EventNames = [.. names];
        ProductOfEvent = [.. products];
        EventNameBytes = Utf8(EventNames);
        ProductBytes = Utf8(Products);
        IntegrationBytes = Utf8(Integrations);
    }

    /// <summary>The share event of a product (the last of its events).</summary>
    public static int ShareEvent(int product) => ProductFirstEvent[product] + ProductEvents[product].Length - 1;

    public static bool IsShareEvent(int eventId) =>
        ProductOfEvent[eventId] >= 0 && eventId == ShareEvent(ProductOfEvent[eventId]);

    private static int Add(List<string> names, List<int> products, string name)
    {
        names.Add(name);
        products.Add(-1);
        return names.Count - 1;
    }

    private static byte[][] Utf8(string[] values)
    {
        var result = new byte[values.Length][];
        for (var i = 0; i < values.Length; i++)
            result[i] = Encoding.UTF8.GetBytes(values[i]);
        return result;
    }

    /// <summary>Cumulative form of weights, for <see cref="DemoRandom.Pick"/>.</summary>
    public static double[] Cumulative(ReadOnlySpan<double> weights)
    {
        var c = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
            c[i] = sum += weights[i];
        return c;
    }
}
