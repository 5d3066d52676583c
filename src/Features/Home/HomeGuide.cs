using System.Security.Claims;
using Portal.Features.Users;

namespace Portal.Features.Home;

/// <summary>What each role should do next, shown on the home page. Links point only at pages that exist.</summary>
public static class HomeGuide
{
    public sealed record Card(string Role, string Title, string Text, string? Href, string? Action);

    public static IReadOnlyList<Card> CardsFor(ClaimsPrincipal user)
    {
        var cards = new List<Card>();
        if (user.IsInRole(Roles.Admin))
        {
            cards.Add(new(Roles.Admin, "Invite your team",
                "Create accounts for helpdesk staff, team leads and auditors and give each the role they need. New users get a one-time password and choose their own at first sign-in.",
                "/admin/users", "Manage users"));
        }

        if (user.IsInRole(Roles.Helpdesk))
        {
            cards.Add(new(Roles.Helpdesk, "Connect a customer tenant",
                "Open the runbook for a tenant: you create an OAuth client in the UEM console, paste its Client ID and Secret, and the portal verifies each step against the region's token service and the UEM and Intelligence APIs. In demo mode, try it on \"Demo Customer (simulator)\".",
                "/setup", "Open the runbook"));
        }

        if (user.IsInRole(Roles.TeamLead))
        {
            cards.Add(new(Roles.TeamLead, "Watch connection health",
                "Team leads review which tenants' connections work, which fail and why, and attest that they reviewed them.",
                "/status", "Open status board"));
        }

        if (user.IsInRole(Roles.Auditor))
        {
            cards.Add(new(Roles.Auditor, "Review the audit trail",
                "See who configured which tenant's connection, when, and how it was verified; check that the trail was not edited (Verify integrity) and export an evidence pack per tenant.",
                "/audit", "Open the audit trail"));
        }

        if (cards.Count == 0)
        {
            cards.Add(new("No role yet", "Ask for a role",
                "Your account has no role yet, so there is nothing to do here. Ask an administrator to give you the Helpdesk, TeamLead or Auditor role.",
                null, null));
        }

        cards.Add(new("Everyone", "Choose your theme",
            "Use the theme button in the top bar for light, dark or your system's setting. The portal remembers your choice.",
            null, null));
        return cards;
    }
}
