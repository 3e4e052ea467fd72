using System.Globalization;
using System.Text.Json.Nodes;
using Pql.Core.State;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>Read access to an outbox action's payload (as written by <see cref="ActionPlanner"/>).</summary>
internal sealed class ActionPayload
{
    private readonly JsonObject _root;

    public ActionPayload(OutboxAction action)
    {
        Action = action;
        _root = JsonNode.Parse(action.PayloadJson)!.AsObject();
    }

    public OutboxAction Action { get; }
    public string Id => Action.ActionId;
    public string EntityId => Action.EntityId;
    public double Score => (double)_root["score"]!;
    public string Tier => (string)_root["tier"]!;
    public string Message => (string?)_root["message"] ?? "";
    public string Reason => (string?)_root["reason"] ?? "";
    public string? Owner => (string?)_root["owner"];
    public string? Channel => (string?)_root["channel"];
    public string Goal => Action.Goal;
    public string ScoreText => Score.ToString("0.####", CultureInfo.InvariantCulture);

    public string? Attribute(string name) => (string?)_root["attributes"]?[name];

    public string? Param(string name) => (string?)_root["params"]?[name];

    public JsonNode Clone() => _root.DeepClone();
}
