using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Tenants;

public sealed class TenantPersistenceTests
{
    private const string ClientSecret = "Sup3rSecret-ClientValue-XYZ987";
    private const string ApiKey = "ApiKey-Plain-Text-6543210";

    private static async Task<TenantEditModel> ModelAsync(TenantsTestPortal host, string name = "Contoso", string tags = "contoso")
    {
        var na = await host.RegionAsync(RegionProduct.Uem, "na");
        return new TenantEditModel
        {
            DisplayName = name,
            UemConsoleUrl = "https://cn1234.awmdm.com",
            UemApiUrl = "https://as1234.awmdm.com",
            UemRegionId = na.Id,
            TagsText = tags,
            OAuthClientId = "client-0123456789",
            NewUemClientSecret = ClientSecret + "  \n", // pasted with trailing whitespace
            NewUemApiKey = ApiKey,
        };
    }

    private static async Task<int> CreateAsync(TenantsTestPortal host, TenantEditModel model, string userName = "helen", string role = Roles.Helpdesk)
    {
        await using var scope = host.Services.ScopeFor(userName, role);
        var result = await scope.ServiceProvider.GetRequiredService<TenantService>().CreateAsync(model, Xunit.TestContext.Current.CancellationToken);
        result.Status.ShouldBe(TenantSaveStatus.Saved, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        return result.Id!.Value;
    }

    private static bool AtRestContains(byte[] bytes, string text)
    {
        return Contains(bytes, Encoding.UTF8.GetBytes(text)) || Contains(bytes, Encoding.Unicode.GetBytes(text));

        static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
    }

    [Fact]
    public async Task CreateAsync_SecretsStoredEncrypted_NotInDatabaseFile()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var result = await CreateWithResultAsync(host, await ModelAsync(host));
        result.Warnings.ShouldHaveSingleItem().ShouldContain("OAuth client secret"); // the pasted whitespace was trimmed and reported

        await using (var scope = host.Services.ScopeFor("helen", Roles.Helpdesk))
        {
            var details = await scope.ServiceProvider.GetRequiredService<TenantService>().GetAsync(result.Id!.Value, Xunit.TestContext.Current.CancellationToken);
            var status = details!.Secrets.Single(s => s.Kind == TenantSecretKind.UemClientSecret);
            status.Fingerprint.ShouldBe(host.Services.GetRequiredService<SecretFingerprints>().Of(ClientSecret));
            status.SetBy.ShouldBe("helen");
            status.IsReadable.ShouldBeTrue();
            details.Model.NewUemClientSecret.ShouldBeNull(); // never sent back to the page
        }

        var atRest = await host.DatabaseAtRestAsync(); // the SQLite file and its journal, or every PostgreSQL row
        AtRestContains(atRest, "client-0123456789").ShouldBeTrue(); // proves the search works on this database
        AtRestContains(atRest, ClientSecret).ShouldBeFalse();
        AtRestContains(atRest, ApiKey).ShouldBeFalse();
        host.Audit.Events.ShouldContain(e => e.Action == "tenant.create" && e.Outcome == AuditOutcome.Success);
        host.Audit.Events.SelectMany(e => e.Details!.Values).ShouldNotContain(v => v != null && (v.Contains(ClientSecret, StringComparison.Ordinal) || v.Contains(ApiKey, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GetForApiCallAsync_RestartedProviderSameKeyRing_Decrypts()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var id = await CreateAsync(host, await ModelAsync(host));

        await using var restarted = await host.RestartAsync();
        await using var scope = restarted.Services.ScopeFor("helen", Roles.Helpdesk);
        var credentials = await scope.ServiceProvider.GetRequiredService<TenantSecretsService>().GetForApiCallAsync(id, "test", Xunit.TestContext.Current.CancellationToken);

        credentials.ShouldNotBeNull();
        credentials.SecretsReadable.ShouldBeTrue();
        credentials.UemClientSecret!.Reveal().ShouldBe(ClientSecret);
        credentials.UemApiKey!.Reveal().ShouldBe(ApiKey);
        credentials.OAuthClientId.ShouldBe("client-0123456789");
        credentials.UemTokenUrl.ShouldBe("https://na.uemauth.workspaceone.com/connect/token");
        credentials.UemApiUrl.ShouldBe("https://as1234.awmdm.com");

        // Background jobs (no signed-in user) read the same values; the use is audited with fingerprints only.
        var job = await scope.ServiceProvider.GetRequiredService<TenantSecretsService>().GetForBackgroundJobAsync(id, "health-check", Xunit.TestContext.Current.CancellationToken);
        job!.UemApiKey!.Reveal().ShouldBe(ApiKey);
        restarted.Audit.Events.Where(e => e.Action == "tenant.secrets.use").Select(e => e.Details!["user"]).ShouldBe(["helen", "system:health-check"]); // both portals' events
        restarted.Audit.Events.Single(e => e.Details!["user"] == "helen" && e.Action == "tenant.secrets.use").Details!["fingerprints"]!.ShouldContain(restarted.Services.GetRequiredService<SecretFingerprints>().Of(ClientSecret)); // the key survives a restart
    }

    [Fact]
    public async Task GetForApiCallAsync_WrongKeyRing_AsksToReEnterInsteadOfCrashing()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var id = await CreateAsync(host, await ModelAsync(host));

        await host.LoseKeyRingOfSecretsAsync(id);
        await using (var scope = host.Services.ScopeFor("helen", Roles.Helpdesk))
        {
            var credentials = await scope.ServiceProvider.GetRequiredService<TenantSecretsService>().GetForApiCallAsync(id, "test", Xunit.TestContext.Current.CancellationToken);
            credentials.ShouldNotBeNull();
            credentials.SecretsReadable.ShouldBeFalse();
            credentials.UemClientSecret.ShouldBeNull();
            credentials.UnreadableSecrets.ShouldBe([TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey]);
            credentials.UnreadableMessage!.ShouldContain("cannot be decrypted");
            credentials.UnreadableMessage!.ShouldContain("Re-enter");

            var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
            var details = await tenants.GetAsync(id, Xunit.TestContext.Current.CancellationToken);
            details!.HasUnreadableSecrets.ShouldBeTrue();
            details.Secrets.Single(s => s.Kind == TenantSecretKind.UemApiKey).Describe().ShouldContain("Re-enter");

            // Re-entering the secrets with this key ring makes them usable again.
            var model = details.Model;
            model.NewUemClientSecret = "Replacement-Secret-123456";
            model.NewUemApiKey = "Replacement-ApiKey-123456";
            (await tenants.UpdateAsync(id, model, Xunit.TestContext.Current.CancellationToken)).Status.ShouldBe(TenantSaveStatus.Saved);
        }

        await using (var scope = host.Services.ScopeFor("helen", Roles.Helpdesk))
        {
            var credentials = await scope.ServiceProvider.GetRequiredService<TenantSecretsService>().GetForApiCallAsync(id, "test", Xunit.TestContext.Current.CancellationToken);
            credentials!.SecretsReadable.ShouldBeTrue();
            credentials.UemClientSecret!.Reveal().ShouldBe("Replacement-Secret-123456");
        }
    }

    [Fact]
    public async Task UpdateAsync_TwoEditors_SecondGetsConflictWithChangedFields()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var id = await CreateAsync(host, await ModelAsync(host), "alice", Roles.Helpdesk);
        var ct = Xunit.TestContext.Current.CancellationToken;

        await using var aliceScope = host.Services.ScopeFor("alice", Roles.Helpdesk);
        await using var bobScope = host.Services.ScopeFor("bob", Roles.Admin);
        var aliceService = aliceScope.ServiceProvider.GetRequiredService<TenantService>();
        var bobService = bobScope.ServiceProvider.GetRequiredService<TenantService>();
        var aliceEdit = (await aliceService.GetAsync(id, ct))!.Model;
        var bobEdit = (await bobService.GetAsync(id, ct))!.Model;

        aliceEdit.Notes = "Alice's note";
        (await aliceService.UpdateAsync(id, aliceEdit, ct)).Status.ShouldBe(TenantSaveStatus.Saved);

        bobEdit.Notes = "Bob's note";
        bobEdit.CustomerReference = "BOB-1";
        var conflict = await bobService.UpdateAsync(id, bobEdit, ct);

        conflict.Status.ShouldBe(TenantSaveStatus.Conflict);
        conflict.Message.ShouldContain("alice");
        conflict.Changes!.ShouldContain(new FieldChange("Notes", "Alice's note", "Bob's note"));
        (await bobService.GetAsync(id, ct))!.Model.Notes.ShouldBe("Alice's note"); // no silent overwrite
        host.Audit.Events.ShouldContain(e => e.Action == "tenant.update" && e.Outcome == AuditOutcome.Conflict && e.TenantId == id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // A deliberate overwrite from the version Bob has now seen succeeds.
        bobEdit.Version = conflict.CurrentVersion!.Value;
        (await bobService.UpdateAsync(id, bobEdit, ct)).Status.ShouldBe(TenantSaveStatus.Saved);
        (await bobService.GetAsync(id, ct))!.Model.Notes.ShouldBe("Bob's note");
    }

    [Fact]
    public async Task CreateAsync_DuplicateNameIgnoringCase_RejectedWithFieldMessage()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await CreateAsync(host, await ModelAsync(host, "Contoso"));

        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
        var result = await tenants.CreateAsync(await ModelAsync(host, "CONTOSO "), Xunit.TestContext.Current.CancellationToken);

        result.Status.ShouldBe(TenantSaveStatus.Invalid);
        result.Errors[nameof(TenantEditModel.DisplayName)].ShouldHaveSingleItem().ShouldContain("already exists");
        (await tenants.QueryAsync(new TenantQuery(), Xunit.TestContext.Current.CancellationToken)).TotalCount.ShouldBe(1);
    }

    [Fact]
    public async Task CreateAsync_InvalidModel_NothingSaved()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
        var model = await ModelAsync(host);
        model.UemConsoleUrl = "http://cn1234.awmdm.com";

        var result = await tenants.CreateAsync(model, Xunit.TestContext.Current.CancellationToken);

        result.Status.ShouldBe(TenantSaveStatus.Invalid);
        result.Errors.ShouldContainKey(nameof(TenantEditModel.UemConsoleUrl));
        (await tenants.QueryAsync(new TenantQuery { Status = TenantStatusFilter.All }, Xunit.TestContext.Current.CancellationToken)).TotalCount.ShouldBe(0);
    }

    [Fact]
    public async Task ArchiveAndRestore_MovesTenantBetweenFilters()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var id = await CreateAsync(host, await ModelAsync(host));
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
        var ct = Xunit.TestContext.Current.CancellationToken;

        (await tenants.ArchiveAsync(id, ct)).Succeeded.ShouldBeTrue();
        (await tenants.QueryAsync(new TenantQuery(), ct)).TotalCount.ShouldBe(0);
        (await tenants.QueryAsync(new TenantQuery { Status = TenantStatusFilter.Archived }, ct)).Items.ShouldHaveSingleItem().IsArchived.ShouldBeTrue();

        (await tenants.RestoreAsync(id, ct)).Succeeded.ShouldBeTrue();
        (await tenants.QueryAsync(new TenantQuery(), ct)).TotalCount.ShouldBe(1);
    }

    [Fact]
    public async Task QueryAsync_SearchSortPageAndFilters()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        foreach (var (name, tags) in new[] { ("Alpha", "retail"), ("Bravo", "retail, bank"), ("Charlie", "bank") })
        {
            await CreateAsync(host, await ModelAsync(host, name, tags));
        }

        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
        var ct = Xunit.TestContext.Current.CancellationToken;

        (await tenants.QueryAsync(new TenantQuery { Search = "rav" }, ct)).Items.Select(i => i.DisplayName).ShouldBe(["Bravo"]);
        (await tenants.QueryAsync(new TenantQuery { Tag = "BANK" }, ct)).Items.Select(i => i.DisplayName).ShouldBe(["Bravo", "Charlie"]);
        var page = await tenants.QueryAsync(new TenantQuery { SortBy = nameof(TenantListItem.DisplayName), SortDescending = true, PageSize = 2, Page = 0 }, ct);
        page.TotalCount.ShouldBe(3);
        page.Items.Select(i => i.DisplayName).ShouldBe(["Charlie", "Bravo"]);
        (await tenants.ListTagsAsync(ct)).ShouldBe(["bank", "retail"]);
    }

    [Fact]
    public async Task CreateAsync_Auditor_RefusedAndAudited()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await using var scope = host.Services.ScopeFor("audrey", Roles.Auditor);
        var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();

        await Should.ThrowAsync<PortalAccessDeniedException>(() => tenants.CreateAsync(new TenantEditModel(), Xunit.TestContext.Current.CancellationToken));
        host.Audit.Events.ShouldContain(e => e.Action == "tenant.create" && e.Outcome == AuditOutcome.Denied);
    }

    private static async Task<TenantSaveResult> CreateWithResultAsync(TenantsTestPortal host, TenantEditModel model)
    {
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        return await scope.ServiceProvider.GetRequiredService<TenantService>().CreateAsync(model, Xunit.TestContext.Current.CancellationToken);
    }
}
