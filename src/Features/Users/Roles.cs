namespace Portal.Features.Users;

/// <summary>The portal's roles. Every page and service checks these on the server.</summary>
public static class Roles
{
    public const string Helpdesk = "Helpdesk";
    public const string TeamLead = "TeamLead";
    public const string Auditor = "Auditor";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Helpdesk, TeamLead, Auditor, Admin];

    /// <summary>Who reads tenants, setup runs, the status board and the audit log: every portal role.</summary>
    public static readonly string[] Readers = [Helpdesk, TeamLead, Auditor, Admin];

    /// <summary>Who reads and builds evidence packs.</summary>
    public static readonly string[] EvidenceReaders = [Auditor, Admin, TeamLead];

    /// <summary>Comma-separated role lists for <c>[Authorize(Roles = ...)]</c>, which needs a constant.</summary>
    public const string AdminOnly = Admin;
    public const string TenantEditors = Helpdesk + "," + Admin;

    /// <summary><see cref="Readers"/> as a constant.</summary>
    public const string ReadersList = Helpdesk + "," + TeamLead + "," + Auditor + "," + Admin;

    /// <summary><see cref="EvidenceReaders"/> as a constant.</summary>
    public const string EvidenceReadersList = Auditor + "," + Admin + "," + TeamLead;
}
