using Portal.Features.Audit;
using Portal.Features.Setup.Pipeline;
using Portal.Features.Tenants;
using Portal.Features.Validation;

namespace Portal.Features.Setup.Steps.Plan;

public sealed record PlanInput(string GroupId, string RoleName);

/// <summary>Step 1: the OG must exist and be Customer type; the role name is recorded as guidance evidence.</summary>
public sealed class PlanHandler(ISetupVerifier verifier, TenantService tenants) : SetupStepHandler<PlanInput>
{
    public const int MaxRoleNameLength = 100;

    public override string? Validate(SetupStep step, PlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (string.IsNullOrWhiteSpace(input.RoleName))
        {
            return "Role: enter the name of the UEM admin role the OAuth client will get.";
        }

        if (FreeText.Check("Admin role for the client", input.RoleName, MaxRoleNameLength) is { } roleError)
        {
            return roleError;
        }

        return string.IsNullOrWhiteSpace(input.GroupId)
            ? "Organisation group ID: enter the Group ID of the customer's Customer-type group (Groups & Settings → Groups → Organisation Groups → Details)."
            : FreeText.Check("Organisation group ID", input.GroupId, TenantLimits.OrganizationGroupId);
    }

    public override async Task<StepDecision> HandleAsync(StepContext context, PlanInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var groupId = input.GroupId.Trim();
        var credentials = context.Tenancy.UemConnection() is null ? context.Tenancy : await context.UseSecretsAsync("wizard verification", ct);
        var lookup = await LookupAsync(verifier, credentials, groupId, ct);
        await AuditLookupAsync(context.AuditAsync, input.GroupId, lookup, ct);
        if (lookup.Verifiable && (!lookup.Found || !lookup.IsCustomerType))
        {
            return StepDecision.Refuse(
                !lookup.Found
                    ? lookup.Report.FirstFailure?.Fix ?? "Organisation group: no group with this Group ID. Check it under Groups & Settings → Groups → Organisation Groups → Details."
                    : $"Organisation group: '{lookup.Name}' is a {lookup.Type} group. Use the Customer-type group at the top of the customer's tree.",
                lookup.Report);
        }

        var saved = await tenants.ChangeAsync(context.Tenant.Id, m =>
        {
            m.OrganizationGroupId = groupId;
            m.OrganizationGroupName = lookup.Name ?? m.OrganizationGroupName;
        }, ct);
        if (saved is not null)
        {
            return StepDecision.Refuse(saved, lookup.Report);
        }

        var evidence = new { organisationGroup = lookup.Name, groupId, lookup.Uuid, lookup.Type, lookup.Verifiable, role = input.RoleName.Trim() };
        return StepDecision.Complete(evidence, lookup.Report, groupId, input.RoleName.Trim()) with { TenantChanged = true };
    }

    /// <summary>The group as the stored OAuth client sees it (not verifiable before a client is stored).</summary>
    public static Task<OrganizationGroupLookup> LookupAsync(ISetupVerifier verifier, TenantApiCredentials credentials, string groupId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(credentials);
        return verifier.LookupOrganizationGroupAsync(credentials.UemConnection(organizationGroupId: groupId), groupId, ct);
    }

    public static Task AuditLookupAsync(Func<string, AuditOutcome, Dictionary<string, string?>, CancellationToken, Task> audit, string groupId, OrganizationGroupLookup lookup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(lookup);
        return audit(SetupActions.StepVerified, lookup.Report.Passed ? AuditOutcome.Success : AuditOutcome.Failure,
            new() { ["step"] = nameof(SetupStep.Plan), ["check"] = "organisation group lookup", ["groupId"] = groupId, ["type"] = lookup.Type }, ct);
    }
}
