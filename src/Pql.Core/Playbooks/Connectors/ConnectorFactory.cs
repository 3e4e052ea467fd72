namespace Pql.Core.Playbooks.Connectors;

/// <summary>Builds the connector for a configured kind.</summary>
public static class ConnectorFactory
{
    public static IConnector Create(ConnectorConfig config, ConnectorContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Kind switch
        {
            "salesforce" => new SalesforceConnector(config, context),
            "hubspot" => new HubSpotConnector(config, context),
            "slack_webhook" => new SlackWebhookConnector(config, context),
            "slack" => new SlackChatConnector(config, context),
            "outreach" => new OutreachConnector(config, context),
            "salesloft" => new SalesloftConnector(config, context),
            "marketo" => new MarketoConnector(config, context),
            "eloqua" => new EloquaConnector(config, context),
            "webhook" => new WebhookConnector(config, context),
            "csv" => new CsvExportConnector(config, context),
            _ => throw new ArgumentException($"unknown connector kind '{config.Kind}'", nameof(config)),
        };
    }

    /// <summary>Every configured connector by name.</summary>
    public static IReadOnlyDictionary<string, IConnector> CreateAll(IReadOnlyDictionary<string, ConnectorConfig> configs, ConnectorContext context)
    {
        ArgumentNullException.ThrowIfNull(configs);
        return configs.ToDictionary(p => p.Key, p => Create(p.Value, context), StringComparer.Ordinal);
    }
}
