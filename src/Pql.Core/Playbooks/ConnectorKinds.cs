namespace Pql.Core.Playbooks;

/// <summary>The connector kinds pql ships: the actions each accepts and the settings each needs.</summary>
public static class ConnectorKinds
{
    /// <summary><paramref name="CredentialSettings"/>: at least one of these is required (a static token, or what an OAuth flow starts from).</summary>
    public sealed record KindSpec(string Kind, string[] Actions, string[] Required, string[] Optional, string[]? CredentialSettings = null)
    {
        public string[] Credentials => CredentialSettings ?? [];
    }

    public static readonly IReadOnlyList<KindSpec> All =
    [
        new("salesforce", ["task", "update_score", "task_and_score"], [],
            ["instance_url", "token", "auth", "login_url", "client_id", "client_secret", "username", "private_key", "audience", "max_concurrent",
             "quota_retry_minutes", "api_version", "object", "id_attribute", "score_field", "tier_field", "external_id_field", "task_subject", "timeout_seconds"],
            ["token", "client_id"]),
        new("hubspot", ["update_properties", "add_to_list"], [],
            ["token", "refresh_token", "client_id", "client_secret", "objects_api_version", "calls_per_10s", "daily_reset_timezone", "base_url", "object", "id_attribute", "score_property", "tier_property", "list_id", "lists_api_version", "timeout_seconds"],
            ["token", "refresh_token"]),
        new("slack_webhook", ["post"], ["url"], ["timeout_seconds"]),
        new("slack", ["post"], ["token"], ["base_url", "channel", "timeout_seconds"]),
        new("outreach", ["add_to_sequence"], ["sequence_id", "mailbox_id"],
            ["token", "refresh_token", "client_id", "client_secret", "redirect_uri", "token_url", "base_url", "prospect_attribute", "timeout_seconds"],
            ["token", "refresh_token"]),
        new("salesloft", ["add_to_cadence"], ["token", "cadence_id"], ["base_url", "person_attribute", "user_id", "timeout_seconds"]),
        new("marketo", ["push_score"], ["base_url", "client_id", "client_secret"],
            ["identity_url", "lookup_field", "lookup_attribute", "score_field", "tier_field", "timeout_seconds"]),
        new("eloqua", ["update_contact"], ["site", "user", "password", "score_field_id"],
            ["base_url", "login_url", "contact_attribute", "tier_field_id", "timeout_seconds"]),
        new("webhook", ["post"], ["url", "secret"], ["signature_header", "standard_webhooks", "timeout_seconds"]),
        new("csv", ["export"], ["path"], []),
    ];

    public static KindSpec? Find(string kind) => All.FirstOrDefault(k => k.Kind == kind);
}
