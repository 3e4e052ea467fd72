using System.Data.Common;
using Pql.Core.Scoring;

namespace Pql.Core.State;

/// <summary>Row readers both state stores share: their queries select the same columns in the same order.</summary>
internal static class StateRows
{
    /// <summary>Reads the columns of <c>ActionColumns</c> (action_id ... lease_until_ms) from position 0.</summary>
    public static OutboxAction Action(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            r.GetString(6), r.GetString(7), r.GetString(8), r.GetInt64(9))
        {
            Status = OutboxStatusText.Parse(r.GetString(10)),
            Attempts = r.GetInt32(11),
            NextAttemptMs = r.GetInt64(12),
            LastError = r.IsDBNull(13) ? null : r.GetString(13),
            DeliveredMs = r.IsDBNull(14) ? null : r.GetInt64(14),
            FirstAttemptMs = r.IsDBNull(15) ? null : r.GetInt64(15),
            LeaseOwner = r.IsDBNull(16) ? null : r.GetString(16),
            LeaseUntilMs = r.IsDBNull(17) ? null : r.GetInt64(17),
        };

    /// <summary>Reads entity_id, score, tier, drivers_json, attributes_json from position 0.</summary>
    public static EntityScore Score(DbDataReader r) =>
        new(r.GetString(0), r.GetDouble(1), r.GetString(2), StateJson.ParseDrivers(r.GetString(3)), StateJson.ParseAttributes(r.GetString(4)));
}
