using System.Text.Json;
using Portal.Features.Audit;
using Portal.Features.Setup;
using Portal.Features.Status;
using Portal.Features.Tenants;

namespace Portal.Features.Api;

// The API's response shapes. Enums travel as their names; secrets only as state (set, fingerprint, by whom), never values.

public sealed record ApiPage<T>(IReadOnlyList<T> Items, int TotalCount, int Page, int PageSize);

public sealed record ApiSecretState(string Kind, bool IsSet, string? Fingerprint, string? SetBy, DateTime? SetUtc, bool IsReadable);

public sealed record ApiTenant(
    int Id, string DisplayName, string? CustomerReference, string UemConsoleUrl, string UemApiUrl, int? UemRegionId, string UemTokenUrl,
    string? OrganizationGroupId, string? OrganizationGroupName, int? IntelligenceRegionId, string? Contacts, string? Notes,
    IReadOnlyList<string> Tags, string? OAuthClientId, string? IntelligenceClientId, Guid Version, bool IsArchived,
    DateTime CreatedUtc, string CreatedBy, DateTime UpdatedUtc, string UpdatedBy, IReadOnlyList<ApiSecretState> Secrets)
{
    public static ApiTenant From(TenantDetails d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var m = d.Model;
        return new(d.Id, m.DisplayName, m.CustomerReference, m.UemConsoleUrl, m.UemApiUrl, m.UemRegionId, m.UemTokenUrl, m.OrganizationGroupId,
            m.OrganizationGroupName, m.IntelligenceRegionId, m.Contacts, m.Notes, TenantTags.Parse(m.TagsText), m.OAuthClientId, m.IntelligenceClientId,
            m.Version, d.IsArchived, d.CreatedUtc, d.CreatedBy, d.UpdatedUtc, d.UpdatedBy,
            d.Secrets.Select(s => new ApiSecretState(s.Kind.ToString(), s.IsSet, s.Fingerprint, s.SetBy, s.SetUtc, s.IsReadable)).ToList());
    }
}

public sealed record ApiTenantSaved(string Message, IReadOnlyList<string> Warnings, ApiTenant Tenant);

public sealed record ApiTenantListItem(int Id, string DisplayName, string? CustomerReference, string UemRegion, string? IntelligenceRegion,
    IReadOnlyList<string> Tags, bool IsArchived, DateTime UpdatedUtc, string UpdatedBy);

public sealed record ApiStatusCell(string Layer, string? Outcome, DateTime? CheckedUtc, string? Diagnosis, IReadOnlyList<string> History);

public sealed record ApiStatusRow(int TenantId, string TenantName, string Region, IReadOnlyList<string> Tags, string Status, DateTime? StatusSinceUtc,
    DateTime? LastCheckedUtc, string? Diagnosis, DateTime? LastAttestedUtc, string? LastAttestedBy, IReadOnlyList<ApiStatusCell> Layers)
{
    public static ApiStatusRow From(StatusBoardRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.TenantId, r.TenantName, r.Region, r.Tags, r.Status.ToString(), r.StatusSinceUtc, r.LastCheckedUtc, r.Diagnosis, r.LastAttestedUtc,
            r.LastAttestedBy, r.Cells.Select(c => new ApiStatusCell(c.Layer.ToString(), c.Outcome?.ToString(), c.CheckedUtc, c.Diagnosis, c.History.Select(h => h.ToString()).ToList())).ToList());
    }
}

public sealed record ApiStatusCount(string Status, int Count);

public sealed record ApiStatusBoard(IReadOnlyList<ApiStatusRow> Items, int TotalCount, int Page, int PageSize, IReadOnlyList<ApiStatusCount> Summary);

public sealed record ApiCredentialAge(string Label, string Fingerprint, DateTime SetUtc, string SetBy, int AgeDays, int DaysUntilRotationDue, bool RotationOverdue, DateTime? LastVerifiedOkUtc);

public sealed record ApiAttestation(DateTime AttestedUtc, string AttestedBy, string StatusAtAttestation, string Comment);

public sealed record ApiStatusDetail(ApiStatusRow Status, string? Fix, IReadOnlyList<ApiCredentialAge> Credentials, IReadOnlyList<ApiAttestation> Attestations, string? SetupStepInProgress)
{
    public static ApiStatusDetail From(StatusDetail d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(ApiStatusRow.From(d.Row), d.Fix,
            d.Credentials.Select(c => new ApiCredentialAge(c.Label, c.Fingerprint, c.SetUtc, c.SetBy, c.Assessment.AgeDays, c.Assessment.DaysUntilDue, c.Assessment.IsOverdue, c.LastVerifiedOkUtc)).ToList(),
            d.Attestations.Select(a => new ApiAttestation(a.AttestedUtc, a.AttestedBy, a.StatusAtAttestation.ToString(), a.Comment)).ToList(),
            d.SetupStepInProgress);
    }
}

public sealed record ApiCheck(long Id, string Layer, string Outcome, string Diagnosis, string? Fix, double LatencyMs, string? ErrorCode, DateTime CheckedUtc)
{
    public static ApiCheck From(CheckResult c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.Layer.ToString(), c.Outcome.ToString(), c.Diagnosis, c.Fix, c.LatencyMs, c.ErrorCode, c.CheckedUtc);
    }
}

public sealed record ApiCheckNowResult(string Message, ApiStatusDetail? Status);

public sealed record ApiAuditEntry(long Id, DateTime TimestampUtc, string Actor, string ActorRoles, string? SourceIp, string? TenantId, string? TenantName,
    string Action, string Outcome, JsonElement Details, string CorrelationId, string PreviousHash, string Hash)
{
    public static ApiAuditEntry From(AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var details = JsonDocument.Parse(string.IsNullOrEmpty(e.DetailsJson) ? "{}" : e.DetailsJson);
        return new(e.Id, e.TimestampUtc, e.Actor, e.ActorRoles, e.SourceIp, e.TenantId, e.TenantName, e.Action, e.Outcome.ToString(),
            details.RootElement.Clone(), e.CorrelationId, e.PreviousHash, e.Hash);
    }
}

/// <summary>Newest first; pass <c>before=OlderThanId</c> for the next page.</summary>
public sealed record ApiAuditPage(IReadOnlyList<ApiAuditEntry> Entries, long? OlderThanId);

public sealed record ApiAuditVerification(bool IsIntact, long EntriesChecked, long? HeadId, long? FirstBrokenId, string? Problem, double DurationMs);

public sealed record ApiSetupStep(int Order, string Step, string State);

public sealed record ApiSetupState(int TenantId, string TenantName, string Phase, string? Kind, int StepNumber, int StepCount, string? StepTitle,
    DateTime? FinishedUtc, string Description, IReadOnlyList<ApiSetupStep> Steps)
{
    public static ApiSetupState From(SetupSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var state = s.Run is { } run
            ? SetupState.Of(run.Kind, run.FinishedUtc, run.Steps.Select(x => new SetupStepState(x.Order, x.Step, x.State)))
            : SetupState.NotStarted;
        return new(s.TenantId, s.TenantName, state.Phase.ToString(), state.Kind?.ToString(), state.StepNumber, state.StepCount, state.StepTitle,
            state.FinishedUtc, state.Describe(), s.Run?.OrderedSteps.Select(x => new ApiSetupStep(x.Order, x.Step.ToString(), x.State.ToString())).ToList() ?? []);
    }
}
