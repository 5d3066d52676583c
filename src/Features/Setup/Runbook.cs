using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Setup;

/// <summary>The evidence of a tenant's set-up and rotations: who did which step when, and how it was verified. Never a secret.</summary>
public sealed record RunbookDocument(SetupSnapshot Tenant, IReadOnlyList<SetupRun> Runs, DateTime GeneratedUtc, string GeneratedBy)
{
    /// <summary>Evidence JSON as short "key: value" text (verification lines flattened).</summary>
    public static string DescribeEvidence(string? evidenceJson)
    {
        if (string.IsNullOrEmpty(evidenceJson))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(evidenceJson);
            var parts = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Array)
                {
                    parts.AddRange(property.Value.EnumerateArray().Select(line =>
                        $"{Text(line, "Layer")}: {(line.TryGetProperty("Passed", out var passed) && passed.GetBoolean() ? "passed" : "failed")} — {Text(line, "Summary")}"));
                }
                else if (property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                {
                    parts.Add($"{property.Name}: {property.Value}");
                }
            }

            return string.Join("; ", parts);
        }
        catch (JsonException)
        {
            return evidenceJson;
        }
    }

    private static string Text(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.ToString() : "";

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Runbook: {MarkdownText.Line(Tenant.TenantName)}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Generated {GeneratedUtc:yyyy-MM-dd HH:mm} UTC by {MarkdownText.Line(GeneratedBy)}. Secrets are shown by fingerprint only.");
        md.AppendLine();
        md.AppendLine("| Setting | Value |");
        md.AppendLine("|---|---|");
        Row(md, "Ticket", Tenant.CustomerReference ?? "—");
        Row(md, "UEM API URL", Tenant.UemApiUrl);
        Row(md, "Token URL", Tenant.UemTokenUrl);
        Row(md, "Organisation group", $"{Tenant.OrganizationGroupName ?? "—"} ({Tenant.OrganizationGroupId ?? "—"})");
        Row(md, "OAuth client", Tenant.OAuthClientId ?? "—");
        foreach (var secret in Tenant.Secrets.Where(s => s.IsSet))
        {
            Row(md, TenantEditModel.SecretLabel(secret.Kind), string.Create(CultureInfo.InvariantCulture, $"{secret.Fingerprint} (set by {secret.SetBy} on {secret.SetUtc:yyyy-MM-dd})"));
        }

        foreach (var run in Runs)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {(run.Kind == SetupRunKind.Rotation ? "Rotation" : "Set-up")} started {run.StartedUtc:yyyy-MM-dd HH:mm} UTC by {MarkdownText.Line(run.StartedBy)}{(run.FinishedUtc is { } done ? $", finished {done:yyyy-MM-dd HH:mm} UTC" : ", in progress")}");
            md.AppendLine();
            md.AppendLine("| # | Step | State | By | When (UTC) | Evidence |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var step in run.OrderedSteps)
            {
                var evidence = step.SkipReason is { } reason ? $"Done in console: {reason}" : DescribeEvidence(step.EvidenceJson);
                Row(md, step.Order.ToString(CultureInfo.InvariantCulture), StepTitles.Of(step.Step), step.State.ToString(), step.CompletedBy ?? "",
                    step.CompletedUtc?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "", evidence);
            }

            if (run.SecretRevealedTo is { } who)
            {
                md.AppendLine();
                md.AppendLine(CultureInfo.InvariantCulture, $"The client secret was re-revealed once to {MarkdownText.Line(who)} at {run.SecretRevealedUtc:yyyy-MM-dd HH:mm} UTC (audited).");
            }
        }

        return md.ToString();
    }

    /// <summary>One table row; every cell escaped, so a value can neither split the row nor add a column.</summary>
    private static void Row(StringBuilder md, params string[] cells) =>
        md.Append("| ").AppendJoin(" | ", cells.Select(MarkdownText.Cell)).AppendLine(" |");
}

/// <summary>Escaping for text the portal writes into Markdown (runbook exports): values come from users and remote systems.</summary>
public static class MarkdownText
{
    /// <summary>A table cell: backslashes and pipes escaped, line breaks kept as &lt;br&gt; so the row stays one line.</summary>
    public static string Cell(string? value) =>
        LineBreaks((value ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal), "<br>");

    /// <summary>Running text (a heading, a sentence): line breaks become spaces so nothing starts a new heading or table.</summary>
    public static string Line(string? value) => LineBreaks(value ?? "", " ");

    private static string LineBreaks(string value, string replacement) =>
        value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')
            .Replace("\u2028", "\n", StringComparison.Ordinal).Replace("\u2029", "\n", StringComparison.Ordinal)
            .Replace("\n", replacement, StringComparison.Ordinal);
}

public sealed class RunbookService(IDbContextFactory<PortalDbContext> dbFactory, SetupService setup, CurrentUser currentUser, IAuditSink audit, TimeProvider clock)
{
    public async Task<RunbookDocument?> GetAsync(int tenantId, bool export, CancellationToken ct = default)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var snapshot = await setup.LoadAsync(tenantId, ct);
        if (snapshot is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = await db.Set<SetupRun>().AsNoTracking().Include(r => r.Steps).Where(r => r.TenantId == tenantId).OrderBy(r => r.StartedUtc).ToListAsync(ct);
        if (export)
        {
            await audit.WriteAsync(new AuditEvent("wizard.runbook.exported", AuditOutcome.Success, tenantId, new Dictionary<string, string?> { ["format"] = "markdown" }), ct);
        }

        return new RunbookDocument(snapshot, runs, clock.GetUtcNow().UtcDateTime, principal.Identity?.Name ?? "unknown");
    }
}

public static class RunbookEndpoints
{
    public static IEndpointRouteBuilder MapRunbookEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/setup/{tenantId:int}/runbook.md", async (int tenantId, RunbookService runbooks, CancellationToken ct) =>
        {
            var document = await runbooks.GetAsync(tenantId, export: true, ct);
            return document is null
                ? Results.NotFound()
                : Results.File(Encoding.UTF8.GetBytes(document.ToMarkdown()), "text/markdown; charset=utf-8", $"runbook-{tenantId.ToString(CultureInfo.InvariantCulture)}.md");
        }).RequireAuthorization(policy => policy.RequireRole(Roles.Readers));
        return endpoints;
    }
}
