namespace Portal.Features.Users;

/// <summary>The portal's roles. Every page and service checks these on the server.</summary>
public static class Roles
{
    public const string Helpdesk = "Helpdesk";
    public const string TeamLead = "TeamLead";
    public const string Auditor = "Auditor";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Helpdesk, TeamLead, Auditor, Admin];

    /// <summary>Comma-separated role lists for <c>[Authorize(Roles = ...)]</c>.</summary>
    public const string AdminOnly = Admin;
    public const string TenantEditors = Helpdesk + "," + Admin;
    public const string AuditReaders = Auditor + "," + Admin + "," + TeamLead + "," + Helpdesk;
}
