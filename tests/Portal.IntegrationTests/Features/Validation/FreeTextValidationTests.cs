using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Status.Notifications;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Validation;

/// <summary>
/// Each service refuses over-long text and invisible control / text-direction characters with a message naming the field,
/// whatever a page sends, and writes nothing (re-read from the database afterwards).
/// </summary>
public sealed class FreeTextValidationTests(SharedPortal portal)
{
    private const string RightToLeftOverride = "U+202E";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static string Marker() => "ft" + Guid.NewGuid().ToString("N")[..10];

    private async Task<PortalDbContext> DbAsync() =>
        await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);

    private async Task<TenantEditModel> TenantModelAsync(string name)
    {
        await using var scope = portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var na = (await scope.ServiceProvider.GetRequiredService<RegionService>().ListAsync(RegionProduct.Uem, Ct)).Single(r => r.Code == "na");
        return new TenantEditModel
        {
            DisplayName = name, UemConsoleUrl = "https://cn1234.awmdm.com", UemApiUrl = "https://as1234.awmdm.com", UemRegionId = na.Id,
            UemTokenUrl = na.TokenUrl, CustomerReference = "INC-1", Notes = "line 1\r\nline 2", TagsText = "retail",
        };
    }

    private async Task<TenantSaveResult> CreateTenantAsync(TenantEditModel model)
    {
        await using var scope = portal.Services.ScopeFor("helen", Roles.Helpdesk);
        return await scope.ServiceProvider.GetRequiredService<TenantService>().CreateAsync(model, Ct);
    }

    public static TheoryData<string, string, string> BadTenantFields => new()
    {
        { nameof(TenantEditModel.DisplayName), "{0} " + new string('n', 5000), "Display name must be at most 100 characters (it has 5013)." },
        { nameof(TenantEditModel.DisplayName), "QA \u202Eevil {0}", $"Display name contains an invisible control or text-direction character ({RightToLeftOverride}); remove it." },
        { nameof(TenantEditModel.CustomerReference), new string('r', 5000), "Customer / ticket reference must be at most 100 characters (it has 5000)." },
        { nameof(TenantEditModel.CustomerReference), "INC-\u202E42", $"Customer / ticket reference contains an invisible control or text-direction character ({RightToLeftOverride}); remove it." },
        { nameof(TenantEditModel.Notes), new string('x', 5000), "Notes must be at most 4000 characters (it has 5000)." },
        { nameof(TenantEditModel.Notes), "ok\r\nbut NUL\0", "Notes contains an invisible control or text-direction character (U+0000); remove it." },
        { nameof(TenantEditModel.TagsText), "retail, \u2066emea", "Tags contains an invisible control or text-direction character (U+2066); remove it." },
    };

    [Theory]
    [MemberData(nameof(BadTenantFields))]
    public async Task Tenant_BadText_RefusedWithItsMessage_NothingSaved(string field, string value, string message)
    {
        var marker = Marker();
        var model = await TenantModelAsync(marker + " tenant");
        typeof(TenantEditModel).GetProperty(field)!.SetValue(model, value.Replace("{0}", marker, StringComparison.Ordinal));

        var result = await CreateTenantAsync(model);

        result.Status.ShouldBe(TenantSaveStatus.Invalid);
        result.Errors[field].ShouldBe([message]);
        var normalizedMarker = marker.ToUpperInvariant();
        await using var db = await DbAsync();
        (await db.Set<Tenant>().AnyAsync(t => t.NormalizedName.Contains(normalizedMarker), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Tenant_TokenAndApiUrlWithTrailingSlash_StoredWithout_AndTheSaveSaysSo()
    {
        var marker = Marker();
        var model = await TenantModelAsync(marker);
        model.UemTokenUrl = "https://na.uemauth.workspaceone.com/connect/token/";
        model.UemApiUrl = "https://as1234.awmdm.com/";

        var result = await CreateTenantAsync(model);

        result.Status.ShouldBe(TenantSaveStatus.Saved, string.Join(" ", result.Errors.SelectMany(e => e.Value)));
        result.Warnings.ShouldContain("UEM token URL: the trailing slash was removed (the portal adds the path itself). Stored as https://na.uemauth.workspaceone.com/connect/token.");
        result.Warnings.ShouldContain(w => w.StartsWith("UEM REST API URL: the trailing slash was removed", StringComparison.Ordinal));
        await using var db = await DbAsync();
        var stored = await db.Set<Tenant>().AsNoTracking().SingleAsync(t => t.Id == result.Id, Ct);
        stored.UemTokenUrl.ShouldBe("https://na.uemauth.workspaceone.com/connect/token");
        stored.UemApiUrl.ShouldBe("https://as1234.awmdm.com");
    }

    [Theory]
    [InlineData("Eve \u202Eredla", "Display name contains an invisible control or text-direction character (U+202E); remove it.")]
    [InlineData("Eve\0Admin", "Display name contains an invisible control or text-direction character (U+0000); remove it.")]
    public async Task User_DisplayNameWithInvisibleCharacter_Refused_NoUserCreated(string displayName, string message)
    {
        var userName = Marker();
        await using var scope = portal.Services.ScopeFor("ada", Roles.Admin);

        var result = await scope.ServiceProvider.GetRequiredService<UserAdminService>().CreateAsync(
            new CreateUserModel { UserName = userName, DisplayName = displayName, Roles = [Roles.Helpdesk] }, Ct);

        result.Succeeded.ShouldBeFalse();
        result.Message.ShouldBe(message);
        await using var db = await DbAsync();
        (await db.Users.AnyAsync(u => u.UserName == userName, Ct)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("{0} " + "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "Name must be at most 100 characters (it has 114).")]
    [InlineData("{0} \u202Eops", "Name contains an invisible control or text-direction character (U+202E); remove it.")]
    public async Task Channel_BadName_Refused_NothingSaved(string name, string message)
    {
        var marker = Marker();
        await using var scope = portal.Services.ScopeFor("ada", Roles.Admin);
        var model = new ChannelEditModel
        {
            Name = name.Replace("{0}", marker, StringComparison.Ordinal), Kind = NotificationChannelKind.Email, SmtpHost = "127.0.0.1", SmtpPort = 2525,
            FromAddress = "portal@example.com", ToAddresses = "ops@example.com",
        };

        var error = await scope.ServiceProvider.GetRequiredService<NotificationChannelService>().SaveAsync(model, Ct);

        error.ShouldBe(message);
        await using var db = await DbAsync();
        (await db.Set<NotificationChannel>().AnyAsync(c => c.Name.Contains(marker), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Region_DisplayNameWithTextDirectionCharacter_Refused_NothingSaved()
    {
        var code = "x" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = portal.Services.ScopeFor("ada", Roles.Admin);
        var model = new RegionEditModel
        {
            Product = RegionProduct.Uem, Code = code, DisplayName = "On-prem \u2067EU", Kind = RegionKind.Custom,
            TokenUrl = "https://uem.example.com/connect/token", ApiBaseUrl = "https://uem.example.com", Location = "Frankfurt (DE)",
        };

        var result = await scope.ServiceProvider.GetRequiredService<RegionService>().CreateCustomAsync(model, Ct);

        result.Succeeded.ShouldBeFalse();
        result.Errors[nameof(RegionEditModel.DisplayName)].ShouldBe(["Name contains an invisible control or text-direction character (U+2067); remove it."]);
        await using var db = await DbAsync();
        (await db.Set<Region>().AnyAsync(r => r.Code == code, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Region_TokenAndApiUrlWithTrailingSlash_StoredWithout_AndTheSaveSaysSo()
    {
        var code = "x" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = portal.Services.ScopeFor("ada", Roles.Admin);
        var model = new RegionEditModel
        {
            Product = RegionProduct.Uem, Code = code, DisplayName = "On-prem EU", Kind = RegionKind.Custom,
            TokenUrl = "https://uem.example.com/connect/token/", ApiBaseUrl = "https://uem.example.com/", Location = "Frankfurt (DE)",
        };

        var result = await scope.ServiceProvider.GetRequiredService<RegionService>().CreateCustomAsync(model, Ct);

        result.Succeeded.ShouldBeTrue(result.Message);
        result.Message.ShouldContain("Token URL: the trailing slash was removed (the portal adds the path itself). Stored as https://uem.example.com/connect/token.");
        result.Message.ShouldContain("API base URL: the trailing slash was removed");
        await using var db = await DbAsync();
        var stored = await db.Set<Region>().AsNoTracking().SingleAsync(r => r.Code == code, Ct);
        stored.TokenUrl.ShouldBe("https://uem.example.com/connect/token");
        stored.ApiBaseUrl.ShouldBe("https://uem.example.com");
    }
}
