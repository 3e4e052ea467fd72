namespace Pql.Core.Demo;

/// <summary>How a written event row deviates from the contract, the way rows in real exports do.</summary>
internal enum DirtyKind
{
    MalformedTimestamp,
    UnknownUser,
    EmptyEvent,
    BrokenProperties,
    Duplicate,
}

/// <summary>
/// Formats events.csv rows (<c>timestamp,event,user_id,account_id,product,event_id,properties</c>)
/// straight into a UTF-8 buffer; <c>properties</c> is a JSON object quoted per RFC 4180.
/// </summary>
internal static class EventRowWriter
{
    public static ReadOnlySpan<byte> Header => "timestamp,event,user_id,account_id,product,event_id,properties\n"u8;

    /// <summary>Writes one row; <paramref name="dirty"/> null for a clean row.</summary>
    public static void Write(Utf8Buffer b, in SimEvent e, long account, int seq, bool omitAccount, bool omitProduct,
        DirtyKind? dirty, int variant)
    {
        if (dirty == DirtyKind.MalformedTimestamp)
            BadTimestamp(b, e.TimeMs, variant);
        else
            b.AppendTimestamp(e.TimeMs);
        b.Append((byte)',');
        if (dirty != DirtyKind.EmptyEvent)
            b.Append(WorldCatalog.EventNameBytes[e.Event]);
        b.Append((byte)',');
        if (dirty == DirtyKind.UnknownUser)
        {
            b.Append("ux"u8);
            b.Append(account);
            b.Append((byte)'_');
            b.Append(seq);
            b.Append(",,"u8);
        }
        else
        {
            b.AppendId((byte)'u', account, e.User);
            b.Append((byte)',');
            if (!omitAccount)
                b.AppendId((byte)'a', account);
            b.Append((byte)',');
        }
        var product = WorldCatalog.ProductOfEvent[e.Event];
        if (product >= 0 && !omitProduct)
            b.Append(WorldCatalog.ProductBytes[product]);
        b.Append((byte)',');
        b.AppendId((byte)'e', account, seq);
        if (dirty is not null)
            b.Append((byte)'d');
        b.Append((byte)',');
        if (dirty == DirtyKind.BrokenProperties)
            BrokenProperties(b, variant);
        else
            Properties(b, e, account);
        b.Append((byte)'\n');
    }

    private static void Properties(Utf8Buffer b, in SimEvent e, long account)
    {
        var id = e.Event;
        if (id == WorldCatalog.IntegrationAddedId)
        {
            b.Append("\"{\"\"integration\"\":\"\""u8);
            b.Append(WorldCatalog.IntegrationBytes[e.Extra]);
            b.Append("\"\"}\""u8);
        }
        else if (id == WorldCatalog.UserInvitedId)
        {
            b.Append("\"{\"\"invitee\"\":\"\""u8);
            b.AppendId((byte)'u', account, e.Extra);
            b.Append("\"\"}\""u8);
        }
        else if (id == WorldCatalog.SubscriptionStartedId || id == WorldCatalog.SeatsAddedId)
        {
            b.Append((e.Extra & 1) == 1 ? "\"{\"\"plan\"\":\"\"paid\"\",\"\"seats\"\":"u8 : "\"{\"\"plan\"\":\"\"free\"\",\"\"seats\"\":"u8);
            b.Append(e.Extra >> 1);
            b.Append("}\""u8);
        }
        else if (WorldCatalog.IsShareEvent(id))
        {
            b.Append(e.Extra == 0 ? "\"{\"\"via\"\":\"\"link\"\"}\""u8 : "\"{\"\"via\"\":\"\"email\"\"}\""u8);
        }
    }

    private static void BadTimestamp(Utf8Buffer b, long timeMs, int variant)
    {
        switch (variant % 4)
        {
            case 0:
                // An impossible month: 2026-13-...
                var start = b.Length;
                b.AppendTimestamp(timeMs);
                b.Overwrite(start + 5, "13"u8);
                break;
            case 1:
                // A date and a time glued by a character ISO 8601 does not allow.
                var at = b.Length;
                b.AppendTimestamp(timeMs);
                b.Overwrite(at + 10, "/"u8);
                break;
            case 2:
                b.Append("yesterday"u8);
                break;
            default:
                break; // empty: a missing required field
        }
    }

    private static void BrokenProperties(Utf8Buffer b, int variant)
    {
        b.Append((variant % 3) switch
        {
            0 => "\"{\"\"integration\"\":\"\"slack\"\"\""u8,   // truncated object
            1 => "\"{plan: paid}\""u8,                          // unquoted keys
            _ => "\"{\"\"seats\"\":}\""u8,                      // missing value
        });
    }
}
