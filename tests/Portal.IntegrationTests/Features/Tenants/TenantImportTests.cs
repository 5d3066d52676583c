using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Tenants.Import;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Tenants;

/// <summary>CSV import through the real portal and database: dry run, import all or valid rows, roles, scope, cancel, concurrency.</summary>
public sealed class TenantImportTests
{
    private const string Header = "DisplayName,UemConsoleUrl,UemApiUrl,UemRegion,UemTokenUrl,Tags,Notes";

    /// <summary>Lines 2 and 3 are valid; each later line has one fault.</summary>
    private static readonly string MixedFile = string.Join("\n",
        Header,
        "Contoso,https://cn101.awmdm.com,https://as101.awmdm.com,na,,pilot,",
        "Fabrikam,https://cn102.awmdm.com,https://as102.awmdm.com,emea,,,",
        "Bad Url Co,https://cn 103.awmdm.com,https://as103.awmdm.com,na,,,",
        "Mismatch Co,https://cn104.awmdm.com,https://as104.awmdm.com,na,https://emea.uemauth.workspaceone.com/connect/token,,",
        "contoso,https://cn105.awmdm.com,https://as105.awmdm.com,na,,,",
        "Existing,https://cn106.awmdm.com,https://as106.awmdm.com,na,,,",
        "Formula Co,https://cn107.awmdm.com,https://as107.awmdm.com,na,,,\"=HYPERLINK(\"\"https://evil.example\"\",\"\"open\"\")\"",
        "Unknown Region Co,https://cn108.awmdm.com,https://as108.awmdm.com,mars,,,") + "\n";

    [Fact]
    public async Task DryRun_MixedFile_EachBadRowNamesItsColumnAndFix_AndNothingIsSaved()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await CreateExistingAsync(host, "Existing", "");
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var import = scope.ServiceProvider.GetRequiredService<TenantImportService>();
        var progress = new List<ImportProgress>();

        var preview = await import.DryRunAsync("tenants.csv", Utf8(MixedFile), new Recorder(progress.Add), ct);

        preview.FileError.ShouldBeNull();
        preview.Rows.Select(r => r.Line).ShouldBe([2L, 3, 4, 5, 6, 7, 8, 9]);
        preview.Rows.Where(r => r.IsValid).Select(r => r.DisplayName).ShouldBe(["Contoso", "Fabrikam"]);
        Single(preview, 4).Column.ShouldBe("UemConsoleUrl");
        Single(preview, 4).Message.ShouldContain("UEM console URL");
        Single(preview, 5).Column.ShouldBe("UemTokenUrl");
        Single(preview, 5).Message.ShouldContain("does not belong to region");
        Single(preview, 5).Message.ShouldContain("https://na.uemauth.workspaceone.com/connect/token"); // the fix
        Single(preview, 6).Column.ShouldBe("DisplayName");
        Single(preview, 6).Message.ShouldContain("also on line 2");
        Single(preview, 7).Column.ShouldBe("DisplayName");
        Single(preview, 7).Message.ShouldContain("already exists");
        Single(preview, 8).Column.ShouldBe("Notes");
        Single(preview, 8).Message.ShouldContain("formula");
        Single(preview, 9).Column.ShouldBe("UemRegion");
        Single(preview, 9).Message.ShouldContain("Use one of: apac, emea, na");
        progress.Last().ShouldBe(new ImportProgress(8, 8));
        (await TenantNamesAsync(host)).ShouldBe(["Existing"]);
    }

    [Fact]
    public async Task Import_AllRowsRefusedWhileErrors_ValidOnlyCreatesExactlyTheGoodOnes_Audited()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await CreateExistingAsync(host, "Existing", "");
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var import = scope.ServiceProvider.GetRequiredService<TenantImportService>();
        var preview = await import.DryRunAsync("tenants.csv", Utf8(MixedFile), null, ct);

        var all = await import.ImportAsync(preview, ImportMode.AllRows, null, ct);
        all.Succeeded.ShouldBeFalse();
        all.Message.ShouldContain("nothing was imported");
        (await TenantNamesAsync(host)).ShouldBe(["Existing"]);

        var report = await import.ImportAsync(preview, ImportMode.ValidRowsOnly, null, ct);

        report.Succeeded.ShouldBeTrue();
        report.Imported.Select(t => t.DisplayName).ShouldBe(["Contoso", "Fabrikam"]);
        report.Skipped.Select(r => r.Line).ShouldBe([4L, 5, 6, 7, 8, 9]);
        report.Skipped.ShouldAllBe(r => r.Errors.Count > 0);
        (await TenantNamesAsync(host)).ShouldBe(["Contoso", "Existing", "Fabrikam"]);
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct))
        {
            var ids = report.Imported.Select(t => t.Id).ToList();
            (await db.Set<TenantSecret>().CountAsync(s => ids.Contains(s.TenantId), ct)).ShouldBe(0); // "Not configured" until secrets are set
            (await db.Set<TenantTag>().Where(t => ids.Contains(t.TenantId)).Select(t => t.Name).ToListAsync(ct)).ShouldBe(["pilot"]);
        }

        var summary = host.Audit.Events.Single(e => e.Action == TenantImportService.AuditAction && e.Outcome == AuditOutcome.Success);
        summary.Details!["imported"].ShouldBe("2");
        summary.Details["skipped"].ShouldBe("6");
        summary.Details["mode"].ShouldBe(nameof(ImportMode.ValidRowsOnly));
        host.Audit.Events.Where(e => e.Action == "tenant.create" && e.Details!.GetValueOrDefault("via") == "csv import").Select(e => e.Details!["name"]).ShouldBe(["Contoso", "Fabrikam"], ignoreOrder: true);
        host.Audit.Events.Where(e => e.Action == "tenant.create").Count().ShouldBe(3); // Existing + the two imported, once each
    }

    [Fact]
    public async Task DryRun_FileWithSecretColumn_RefusedWithoutReadingIt_AndTheSecretIsNowhere()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var import = scope.ServiceProvider.GetRequiredService<TenantImportService>();
        const string secret = "Leaky-Client-Secret-987654";
        var file = $"DisplayName,UemConsoleUrl,UemApiUrl,UemRegion,OAuthClientId,Client Secret\nContoso,https://cn1.awmdm.com,https://as1.awmdm.com,na,client-1,{secret}\n";

        var preview = await import.DryRunAsync("tenants.csv", Utf8(file), null, ct);

        preview.Rows.ShouldBeEmpty();
        preview.FileError.ShouldNotBeNull();
        preview.FileError.ShouldContain("'Client Secret'");
        preview.FileError.ShouldContain("Secrets are never imported");
        preview.FileError.ShouldContain("on its page");
        preview.FileError.ShouldNotContain(secret);
        (await import.ImportAsync(preview, ImportMode.ValidRowsOnly, null, ct)).Succeeded.ShouldBeFalse();
        (await TenantNamesAsync(host)).ShouldBeEmpty();
        Encoding.UTF8.GetString(await host.DatabaseAtRestAsync()).ShouldNotContain(secret);
        host.Logs.Entries.ShouldNotContain(l => l.Message.Contains(secret, StringComparison.Ordinal));

        foreach (var header in new[] { "API_KEY", "password", "UemClientSecret", "IntelligenceClientSecret" })
        {
            var refused = await import.DryRunAsync("t.csv", Utf8($"DisplayName,UemConsoleUrl,UemApiUrl,UemRegion,{header}\nX,https://cn1.awmdm.com,https://as1.awmdm.com,na,x\n"), null, ct);
            refused.FileError.ShouldNotBeNull().ShouldContain("looks like a secret");
        }
    }

    [Fact]
    public async Task Import_ByAuditorOrTeamLead_RefusedOnTheServerAndAudited()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        ImportPreview preview;
        await using (var helpdesk = host.Services.ScopeFor("helen", Roles.Helpdesk))
        {
            preview = await helpdesk.ServiceProvider.GetRequiredService<TenantImportService>().DryRunAsync("t.csv", Utf8(MixedFile), null, ct);
        }

        foreach (var (user, role) in new[] { ("audrey", Roles.Auditor), ("lee", Roles.TeamLead) })
        {
            await using var scope = host.Services.ScopeFor(user, role);
            var import = scope.ServiceProvider.GetRequiredService<TenantImportService>();
            await Should.ThrowAsync<PortalAccessDeniedException>(() => import.DryRunAsync("t.csv", Utf8(MixedFile), null, ct));
            await Should.ThrowAsync<PortalAccessDeniedException>(() => import.ImportAsync(preview, ImportMode.ValidRowsOnly, null, ct));
            host.Audit.Events.Count(e => e.Action == TenantImportService.AuditAction && e.Outcome == AuditOutcome.Denied && e.Details!["user"] == user).ShouldBe(2);
        }

        (await TenantNamesAsync(host)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ScopedHelpdesk_RowsOutsideTheirScope_AreErrors_AndOnlyInScopeRowsLand()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var helenId = await host.AddUserAsync("helen");
        await using (var admin = host.Services.ScopeFor("ada", Roles.Admin))
        {
            (await admin.ServiceProvider.GetRequiredService<TenantScopeAdminService>().SetAsync(helenId, ["fabrikam"], ct)).Succeeded.ShouldBeTrue();
        }

        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var import = scope.ServiceProvider.GetRequiredService<TenantImportService>();
        var file = Header + "\n" +
                   "Fabrikam EU,https://cn1.awmdm.com,https://as1.awmdm.com,emea,,fabrikam,\n" +
                   "Contoso,https://cn2.awmdm.com,https://as2.awmdm.com,na,,contoso,\n" +
                   "Untagged,https://cn3.awmdm.com,https://as3.awmdm.com,na,,,\n";

        var preview = await import.DryRunAsync("t.csv", Utf8(file), null, ct);
        preview.Rows.Where(r => r.IsValid).Select(r => r.DisplayName).ShouldBe(["Fabrikam EU"]);
        Single(preview, 3).Column.ShouldBe("Tags");
        Single(preview, 3).Message.ShouldContain("fabrikam");
        Single(preview, 4).Column.ShouldBe("Tags");

        var report = await import.ImportAsync(preview, ImportMode.ValidRowsOnly, null, ct);
        report.Imported.Select(t => t.DisplayName).ShouldBe(["Fabrikam EU"]);
        (await scope.ServiceProvider.GetRequiredService<TenantService>().QueryAsync(new TenantQuery(), ct)).Items.Select(i => i.DisplayName).ShouldBe(["Fabrikam EU"]);
        (await TenantNamesAsync(host)).ShouldBe(["Fabrikam EU"]);
    }

    [Fact]
    public async Task Cancel_DuringImport_LeavesNoTenantSaved_AndCancelledDryRunSavesNothingEither()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var import = scope.ServiceProvider.GetRequiredService<TenantImportService>();
        var file = Header + "\n" + string.Concat(Enumerable.Range(1, 6).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"Tenant {i},https://cn{i}.awmdm.com,https://as{i}.awmdm.com,na,,,\n")));
        var preview = await import.DryRunAsync("t.csv", Utf8(file), null, ct);
        preview.ValidCount.ShouldBe(6);

        // Cancelled after the third row was saved inside the transaction: the signal is the progress report itself.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var seen = new List<ImportProgress>();
        await Should.ThrowAsync<OperationCanceledException>(() => import.ImportAsync(preview, ImportMode.AllRows, new Recorder(p =>
        {
            seen.Add(p);
            if (p.Done == 3)
            {
                cancel.Cancel();
            }
        }), cancel.Token));

        seen.Select(p => p.Done).ShouldBe([1, 2, 3]);
        (await TenantNamesAsync(host)).ShouldBeEmpty();
        host.Audit.Events.ShouldNotContain(e => e.Action == "tenant.create");
        var cancelled = host.Audit.Events.Single(e => e.Action == TenantImportService.AuditAction);
        cancelled.Outcome.ShouldBe(AuditOutcome.Failure);
        cancelled.Details!["imported"].ShouldBe("0");

        using var cancelDryRun = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Should.ThrowAsync<OperationCanceledException>(() => import.DryRunAsync("t.csv", Utf8(file), new Recorder(p =>
        {
            if (p.Done == 2)
            {
                cancelDryRun.Cancel();
            }
        }), cancelDryRun.Token));

        // The same preview imports in full afterwards: the cancelled attempt left nothing behind to collide with.
        (await import.ImportAsync(preview, ImportMode.AllRows, null, ct)).Imported.Count.ShouldBe(6);
    }

    [Fact]
    public async Task TenantCreatedBySomeoneElse_BetweenDryRunAndImport_IsCaught()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var import = scope.ServiceProvider.GetRequiredService<TenantImportService>();
        var file = Header + "\nContoso,https://cn1.awmdm.com,https://as1.awmdm.com,na,,,\nFabrikam,https://cn2.awmdm.com,https://as2.awmdm.com,na,,,\n";
        var preview = await import.DryRunAsync("t.csv", Utf8(file), null, ct);
        preview.ValidCount.ShouldBe(2);

        await CreateExistingAsync(host, "CONTOSO", "");

        var all = await import.ImportAsync(preview, ImportMode.AllRows, null, ct);
        all.Succeeded.ShouldBeFalse();
        all.Skipped.ShouldHaveSingleItem().Errors.ShouldHaveSingleItem().Message.ShouldContain("already exists");
        (await TenantNamesAsync(host)).ShouldBe(["CONTOSO"]);

        var valid = await import.ImportAsync(preview, ImportMode.ValidRowsOnly, null, ct);
        valid.Imported.Select(t => t.DisplayName).ShouldBe(["Fabrikam"]);
        valid.Skipped.Select(r => r.Line).ShouldBe([2L]);
        (await TenantNamesAsync(host)).ShouldBe(["CONTOSO", "Fabrikam"]);
    }

    [Fact]
    public async Task Limits_TooManyRowsOrTooLargeFile_RefusedWithTheLimit()
    {
        await using var host = await TenantsTestPortal.StartAsync(p =>
        {
            p.WithSetting("TenantImport:MaxRows", "2");
            p.WithSetting("TenantImport:MaxFileBytes", "2048");
        });
        var ct = TestContext.Current.CancellationToken;
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var import = scope.ServiceProvider.GetRequiredService<TenantImportService>();

        var threeRows = Header + "\n" + string.Concat(Enumerable.Range(1, 3).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"T{i},https://cn{i}.awmdm.com,https://as{i}.awmdm.com,na,,,\n")));
        (await import.DryRunAsync("t.csv", Utf8(threeRows), null, ct)).FileError.ShouldNotBeNull().ShouldContain("at most 2 rows");

        var large = Header + "\nBig,https://cn1.awmdm.com,https://as1.awmdm.com,na,,," + new string('x', 3000) + "\n";
        (await import.DryRunAsync("t.csv", Utf8(large), null, ct)).FileError.ShouldNotBeNull().ShouldContain("larger than 2 KB");

        // The template's header is accepted; its example line is a comment, so it alone imports nothing.
        (await import.DryRunAsync("template.csv", new MemoryStream(TenantCsv.Template()), null, ct)).FileError.ShouldNotBeNull().ShouldContain("no tenant rows");
        (await TenantNamesAsync(host)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadmeExample_DryRun_BothRowsValid()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        const string readme = """
            DisplayName,CustomerReference,UemConsoleUrl,UemApiUrl,UemRegion,UemTokenUrl,OrganizationGroupId,OrganizationGroupName,IntelligenceRegion,OAuthClientId,IntelligenceClientId,Contacts,Notes,Tags
            Contoso Ltd,CASE-1042,https://cn1234.awmdm.com,https://as1234.awmdm.com,na,,contoso,Contoso,na1,,,it@contoso.example,,"contoso, pilot"
            Fabrikam GmbH,CASE-1043,https://cn5678.awmdm.com,https://as5678.awmdm.com,emea,,fabrikam,Fabrikam,eu1,,,,,fabrikam
            """;

        var preview = await scope.ServiceProvider.GetRequiredService<TenantImportService>().DryRunAsync("readme.csv", Utf8(readme), null, TestContext.Current.CancellationToken);

        preview.FileError.ShouldBeNull();
        preview.Rows.ShouldAllBe(r => r.IsValid);
        preview.Rows.Select(r => r.Model.TagsText).ShouldBe(["contoso, pilot", "fabrikam"]);
    }

    [Fact]
    public async Task TemplateAndImportPage_OverHttp_ServedToHelpdesk_DeniedToAuditor()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PortalUser>>();
            foreach (var (name, role) in new[] { ("helen", Roles.Helpdesk), ("audrey", Roles.Auditor) })
            {
                var user = new PortalUser { UserName = name, DisplayName = name, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
                (await users.CreateAsync(user, "Test-Passw0rd!long")).Succeeded.ShouldBeTrue();
                (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
            }
        }

        using (var auditor = host.CreatePortalClient())
        {
            await auditor.SignInAsync("audrey", "Test-Passw0rd!long");
            foreach (var path in new[] { TenantImportFeature.TemplatePath, "/tenants/import" })
            {
                using var denied = await auditor.Http.GetAsync(new Uri(path, UriKind.Relative), ct);
                denied.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect, path);
                denied.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
            }
        }

        using var helpdesk = host.CreatePortalClient();
        await helpdesk.SignInAsync("helen", "Test-Passw0rd!long");
        using var template = await helpdesk.Http.GetAsync(new Uri(TenantImportFeature.TemplatePath, UriKind.Relative), ct);
        template.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        template.Content.Headers.ContentDisposition!.FileName.ShouldBe("tenant-import-template.csv");
        var text = await template.Content.ReadAsStringAsync(ct);
        text.ShouldContain(string.Join(",", TenantCsv.Columns.Select(c => c.Header)));
        TenantCsv.Columns.ShouldAllBe(c => !TenantCsv.LooksLikeSecret(c.Header));
    }

    private static ImportRowError Single(ImportPreview preview, long line) => preview.Rows.Single(r => r.Line == line).Errors.ShouldHaveSingleItem();

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task CreateExistingAsync(TenantsTestPortal host, string name, string tags)
    {
        var na = await host.RegionAsync(RegionProduct.Uem, "na");
        await using var admin = host.Services.ScopeFor("ada", Roles.Admin);
        var result = await admin.ServiceProvider.GetRequiredService<TenantService>().CreateAsync(new TenantEditModel
        {
            DisplayName = name, UemConsoleUrl = "https://cn999.awmdm.com", UemApiUrl = "https://as999.awmdm.com", UemRegionId = na.Id, TagsText = tags,
        }, TestContext.Current.CancellationToken);
        result.Succeeded.ShouldBeTrue(string.Join(" ", result.Errors.SelectMany(e => e.Value)));
    }

    private static async Task<List<string>> TenantNamesAsync(TenantsTestPortal host)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return (await db.Set<Tenant>().Select(t => t.DisplayName).ToListAsync()).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Reports on the calling thread, so the test acts at an exact point of the work.</summary>
    private sealed class Recorder(Action<ImportProgress> onReport) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => onReport(value);
    }
}
