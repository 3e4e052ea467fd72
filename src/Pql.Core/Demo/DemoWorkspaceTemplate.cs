using System.Globalization;

namespace Pql.Core.Demo;

/// <summary>The <c>pql.yaml</c> written beside a generated world: one readable template, filled with a few values.</summary>
internal static class DemoWorkspaceTemplate
{
    /// <summary>The workspace config for a world generated with <paramref name="options"/>.</summary>
    public static string Render(WorldOptions options)
    {
        // Dirty rows must not fail the load: allow twice the generated share, and at least the contract's 5%.
        var maxReject = Math.Min(1.0, Math.Max(0.05, Math.Round(options.DirtyShare * 2, 3)));
        return Template
            .Replace("{seed}", options.Seed.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{accounts}", options.Accounts.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{days}", options.Days.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{end}", options.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{dirty}", options.DirtyShare.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{max_reject_share}", maxReject.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private const string Template = """
        # A demo workspace written by `pql generate` (seed {seed}, {accounts} accounts, {days} days to {end}, dirty share {dirty}).
        # A multi-product SaaS: accounts that adopt several products, connect integrations and invite
        # colleagues who stay active are the ones that convert, expand and stay. Regenerate with the same
        # options to get the same bytes.

        data:
          accounts: accounts.csv        # account_id, created_at, segment, employees, industry, country, plan (at signup), owner
          users: users.csv              # user_id, account_id, created_at, role, email
          events: events.csv.gz         # timestamp, event, user_id, account_id (sometimes empty), product (sometimes empty), event_id, properties
          max_reject_share: {max_reject_share}
          exclude_attributes: [email]   # an identifier, not a feature

        products:                       # event name -> product, for events whose product column is empty
          docs: [doc_created, doc_edited, doc_viewed, comment_added, doc_shared]
          sheets: [sheet_created, sheet_edited, formula_used, chart_created, sheet_shared]
          chat: [channel_created, message_sent, huddle_started, file_uploaded, channel_shared]
          automations: [workflow_created, workflow_run, trigger_added, workflow_shared]

        goals:
          conversion:                   # a free account starts a subscription
            entity: account
            achieved_when:
              event: subscription_started
            horizon: 30d
          expansion:                    # a paying account buys more seats
            entity: account
            achieved_when:
              event: seats_added
              where: { plan: paid }
            horizon: 60d
          churn:                        # an active account goes quiet for three weeks
            entity: account
            achieved_when:
              inactive_for: 21d
            horizon: 30d
          activation:                   # a new user creates three docs and invites a colleague
            entity: user
            achieved_when:
              all:
                - { event: doc_created, at_least: 3 }
                - { event: user_invited }
            horizon: 14d

        event_kinds:
          integration: [integration_added]
          collaboration: [user_invited, doc_shared, sheet_shared, channel_shared, workflow_shared, comment_added]
          lifecycle: [subscription_started, seats_added]

        features:
          integration_kind_property: integration

        tiers:
          default: { high_touch: 0.6, assisted: 0.3 }       # anything lower is nurture
          churn: { at_risk: 0.6, watch: 0.3, floor: healthy }  # a risk goal's top tier needs saving, not selling
          conversion:
            percentiles: { high_touch: 5, assisted: 20 }    # top 5% / next to top 20% / rest nurture
            segments:
              attribute: segment
              enterprise: { high_touch: 0.5, assisted: 0.25 }
              smb: { high_touch: 0.8, assisted: 0.5 }

        rules:                          # operator weights per goal, used by the rules model
          conversion:
            adoption.products_adopted: 3
            synergy.multi_product_week_share: 2
            integration.distinct_integrations: 1.5
            collaboration.invites_sent_30d: 1
            activity.active_days_30d: 0.5
          expansion:
            adoption.products_adopted: 2
            collaboration.invites_sent_30d: 2
            synergy.multi_product_week_share: 1.5
            activity.active_users_30d: 1
          churn:
            activity.days_since_last_event: 3
            activity.active_days_30d: -2
            adoption.products_adopted: -1.5
            integration.distinct_integrations: -1
          activation:
            activity.events_7d: 1
            collaboration.invites_sent_30d: 2

        # Acting on scores: accounts that enter a high tier go on a list for the team that owns them.
        # The demo exports to a CSV file so it needs no outside system; a real workspace points the same
        # playbooks at salesforce, hubspot, slack, outreach, ... connectors (docs/PLAYBOOKS.md).
        triggers:
          - name: ready_to_buy
            goal: conversion
            when: { tier_entered: high_touch }
            playbook: sales_handoff
          - name: ready_to_grow
            goal: expansion
            when: { tier_entered: high_touch }
            playbook: sales_handoff
          - name: churn_risk
            goal: churn
            when: { tier_entered: at_risk }
            playbook: save_account

        playbooks:
          sales_handoff:
            - connector: lists
              action: export
              template: "{{entity_id}} entered {{tier}} for {{goal}} at {{score}} (owner {{owner}}): {{drivers}}"
          save_account:
            - connector: lists
              action: export
              template: "{{entity_id}} is at risk ({{score}}, owner {{owner}}): {{drivers}}"

        connectors:
          lists: { kind: csv, path: exports/actions.csv }

        """;
}
