using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using NSwag;
using Portal.IntegrationTests.Integrations;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;
using Portal.Simulator;

namespace Portal.IntegrationTests.Contract;

/// <summary>
/// The simulator and the portal's clients against Omnissa's published API documents: paths, methods, declared status
/// codes, <c>version=N</c> media types, query parameter names, response schemas and model field names.
/// </summary>
public sealed class ApiContractTests
{
    private const string SystemV1 = "uem-2604-systemv1.json";
    private const string SystemV2 = "uem-2604-systemv2.json";
    private const string MdmV1 = "uem-2604-mdmv1.json";
    private const string MdmV2 = "uem-2604-mdmv2.json";
    private const string IntelligenceV2 = "intelligence-v2.json";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private enum Caller
    {
        Demo,
        ReadOnly,
        Intelligence,
        BadToken,
    }

    private sealed record Case(string File, string BasePath, string Template, string Method, string Request, int Version, Caller Caller, int Status, string? Body = null);

    private static readonly Dictionary<string, Case> Cases = new(StringComparer.Ordinal)
    {
        ["system-info"] = new(SystemV1, "/API/system", "/info", OpenApiOperationMethod.Get, "API/system/info", 1, Caller.Demo, 200),
        ["groups-search-v1"] = new(SystemV1, "/API/system", "/groups/search", OpenApiOperationMethod.Get, "API/system/groups/search?groupid=DEMO&page=0&pagesize=10", 1, Caller.Demo, 200),
        ["groups-search-v2"] = new(SystemV2, "/API/system", "/groups/search", OpenApiOperationMethod.Get, "API/system/groups/search?groupid=DEMO", 2, Caller.Demo, 200),
        ["api-keys"] = new(SystemV1, "/API/system", "/v2/groups/{organizationGroupUuid}/api-keys", OpenApiOperationMethod.Get, $"API/system/v2/groups/{SimulatorDemo.OrganizationGroupUuid}/api-keys", 1, Caller.Demo, 200),
        ["api-keys-unknown-og"] = new(SystemV1, "/API/system", "/v2/groups/{organizationGroupUuid}/api-keys", OpenApiOperationMethod.Get, $"API/system/v2/groups/{Guid.Empty}/api-keys", 1, Caller.Demo, 404),
        ["api-keys-forbidden"] = new(SystemV1, "/API/system", "/v2/groups/{organizationGroupUuid}/api-keys", OpenApiOperationMethod.Get, $"API/system/v2/groups/{SimulatorDemo.OrganizationGroupUuid}/api-keys", 1, Caller.ReadOnly, 403),
        ["eula"] = new(SystemV1, "/API/system", "/groups/{organizationGroupUuid}/intelligence/eula", OpenApiOperationMethod.Get, $"API/system/groups/{SimulatorDemo.OrganizationGroupUuid}/intelligence/eula", 1, Caller.Demo, 200),
        ["eula-container-og"] = new(SystemV1, "/API/system", "/groups/{organizationGroupUuid}/intelligence/eula", OpenApiOperationMethod.Get, $"API/system/groups/{SimulatorDemo.ChildOrganizationGroupUuid}/intelligence/eula", 1, Caller.Demo, 404),
        ["devices-search-v1"] = new(MdmV1, "/API/mdm", "/devices/search", OpenApiOperationMethod.Get, "API/mdm/devices/search?pagesize=10&page=0", 1, Caller.Demo, 200),
        ["devices-search-v2"] = new(MdmV2, "/API/mdm", "/devices/search", OpenApiOperationMethod.Get, "API/mdm/devices/search?pagesize=10", 2, Caller.Demo, 200),
        ["devices-search-bad-og"] = new(MdmV1, "/API/mdm", "/devices/search", OpenApiOperationMethod.Get, "API/mdm/devices/search?lgid=99999", 1, Caller.Demo, 400),
        ["device-by-serial"] = new(MdmV1, "/API/mdm", "/devices", OpenApiOperationMethod.Get, "API/mdm/devices?searchby=Serialnumber&id=C02DEMO0002", 1, Caller.Demo, 200),
        ["device-by-serial-unknown"] = new(MdmV1, "/API/mdm", "/devices", OpenApiOperationMethod.Get, "API/mdm/devices?searchby=Serialnumber&id=NO-SUCH-SERIAL", 1, Caller.Demo, 404),
        ["device-by-bad-searchby"] = new(MdmV1, "/API/mdm", "/devices", OpenApiOperationMethod.Get, "API/mdm/devices?searchby=Colour&id=red", 1, Caller.Demo, 422),
        ["lock"] = new(MdmV1, "/API/mdm", "/devices/{deviceid}/commands", OpenApiOperationMethod.Post, $"API/mdm/devices/{SimulatorDemo.AntivirusOffDeviceId}/commands?command=Lock", 1, Caller.Demo, 202),
        ["lock-unknown-device"] = new(MdmV1, "/API/mdm", "/devices/{deviceid}/commands", OpenApiOperationMethod.Post, "API/mdm/devices/1/commands?command=Lock", 1, Caller.Demo, 404),
        ["lock-bad-command"] = new(MdmV1, "/API/mdm", "/devices/{deviceid}/commands", OpenApiOperationMethod.Post, $"API/mdm/devices/{SimulatorDemo.AntivirusOffDeviceId}/commands?command=Dance", 1, Caller.Demo, 422),
        ["eventlog"] = new(MdmV1, "/API/mdm", "/devices/{id}/eventlog", OpenApiOperationMethod.Get, $"API/mdm/devices/{SimulatorDemo.AntivirusOffDeviceId}/eventlog?page=0&pagesize=50&dayrange=3650", 1, Caller.Demo, 200),
        ["eventlog-empty"] = new(MdmV1, "/API/mdm", "/devices/{id}/eventlog", OpenApiOperationMethod.Get, "API/mdm/devices/10001/eventlog?page=0&pagesize=50", 1, Caller.Demo, 204),
        ["intelligence-entities"] = new(IntelligenceV2, "", "/v2/metadata/entities", OpenApiOperationMethod.Post, "v2/metadata/entities", 0, Caller.Intelligence, 200, """{"offset":0,"page_size":5}"""),
        ["intelligence-entities-unauthorized"] = new(IntelligenceV2, "", "/v2/metadata/entities", OpenApiOperationMethod.Post, "v2/metadata/entities", 0, Caller.BadToken, 401, """{"offset":0,"page_size":5}"""),
        ["intelligence-reports"] = new(IntelligenceV2, "", "/v2/reports/search", OpenApiOperationMethod.Post, "v2/reports/search", 0, Caller.Intelligence, 200, """{"offset":0,"page_size":10}"""),
        ["intelligence-reports-unauthorized"] = new(IntelligenceV2, "", "/v2/reports/search", OpenApiOperationMethod.Post, "v2/reports/search", 0, Caller.BadToken, 401, """{"offset":0,"page_size":10}"""),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task SimulatorResponse_DocumentedOperation_MatchesDeclaredStatusMediaTypeAndSchema(string name)
    {
        var c = Cases[name];
        var operation = OpenApiDocuments.Operation(c.File, c.Template, c.Method);
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var basePath = c.File == IntelligenceV2 ? "" : "tenants/" + SimulatorDemo.TenantHostKey + "/";
        using var request = new HttpRequestMessage(c.Method == OpenApiOperationMethod.Get ? HttpMethod.Get : HttpMethod.Post, new Uri(harness.Simulator.BaseUri, basePath + c.Request));
        request.Headers.Accept.Add(c.Version > 0 ? new MediaTypeWithQualityHeaderValue("application/json") { Parameters = { new("version", c.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)) } } : new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(harness, c.Caller));
        if (c.Method == OpenApiOperationMethod.Post)
        {
            request.Content = new StringContent(c.Body ?? "", Encoding.UTF8, "application/json");
        }

        using var http = new HttpClient();
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        // Path and query parameter names are the documented ones.
        Regex.IsMatch("/" + c.Request.Split('?')[0], "^" + TemplateRegex(c.BasePath + c.Template) + "$", RegexOptions.IgnoreCase).ShouldBeTrue();
        var declaredQuery = OpenApiDocuments.QueryParameters(operation);
        foreach (var key in QueryKeys(c.Request))
        {
            declaredQuery.ShouldContain(key, $"query parameter '{key}' is not declared");
        }

        // Status code is one the document declares.
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.StatusCode.ShouldBe((System.Net.HttpStatusCode)c.Status, body);
        operation.ActualResponses.Keys.ShouldContain(status, $"{c.Template} does not declare HTTP {status}");
        var declared = operation.ActualResponses[status];

        // Successful responses carry the declared version=N media type.
        var declaredVersions = OpenApiDocuments.DeclaredVersions(operation, declared);
        if (response.IsSuccessStatusCode && declaredVersions.Count > 0)
        {
            declaredVersions.ShouldContain(c.Version);
            if (body.Length > 0)
            {
                OpenApiDocuments.VersionOf(response.Content.Headers.ContentType?.ToString()).ShouldBe(c.Version);
            }
        }

        // Every UEM REST response carries the rate-limit headers UEM sends: whole numbers, Reset in epoch seconds ahead.
        if (c.File != IntelligenceV2)
        {
            var limit = HeaderNumber(response, "X-RateLimit-Limit");
            HeaderNumber(response, "X-RateLimit-Remaining").ShouldBeInRange(0, limit);
            HeaderNumber(response, "X-RateLimit-Reset").ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds());
        }

        // The body validates against the declared schema.
        var schema = OpenApiDocuments.BodySchema(declared);
        if (body.Length == 0)
        {
            (schema is null || c.Status == 202).ShouldBeTrue("an empty body where the document declares one");
            return;
        }

        schema.ShouldNotBeNull($"{c.Template} HTTP {status} declares no body, but the simulator sent one");
        OpenApiDocuments.Validate(body, schema).ShouldBeEmpty();
    }

    private static long HeaderNumber(HttpResponseMessage response, string name)
    {
        response.Headers.TryGetValues(name, out var values).ShouldBeTrue($"no {name} header");
        return long.Parse(values!.ShouldHaveSingleItem(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task ClientRequests_EveryCallThePortalMakes_UseDocumentedPathsParametersAndVersions()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        await harness.Api.GetSystemInfoAsync(connection, Ct);
        await harness.SearchLocationGroupsAsync(connection, SimulatorDemo.GroupId, Ct);
        await harness.Api.SearchOrganizationGroupsAsync(connection, SimulatorDemo.GroupId, Ct);
        await harness.Api.GetApiKeysAsync(connection, SimulatorDemo.OrganizationGroupUuid, Ct);
        await harness.Api.GetIntelligenceEulaAsync(connection, SimulatorDemo.OrganizationGroupUuid, Ct);
        await harness.Api.SearchDevicesAsync(connection, new UemDeviceQuery("bob", "WinRT", "Latitude", SimulatorDemo.OrganizationGroupId, 0, 10), Ct);
        await harness.Api.FindDeviceBySerialNumberAsync(connection, "C02DEMO0002", Ct);
        await harness.Api.LockDeviceAsync(connection, SimulatorDemo.AntivirusOffDeviceId, Ct);
        await harness.Api.GetDeviceEventLogAsync(connection, SimulatorDemo.AntivirusOffDeviceId, 0, 500, 2, Ct);
        await harness.Intelligence.ProbeAsync(harness.DemoIntelligence(), Ct);
        await harness.Intelligence.SearchReportsAsync(harness.DemoIntelligence(), new IntelligencePageRequest(), Ct);

        var operations = new (string File, string BasePath)[] { (SystemV1, "/tenants/demo/API/system"), (SystemV2, "/tenants/demo/API/system"), (MdmV1, "/tenants/demo/API/mdm"), (MdmV2, "/tenants/demo/API/mdm"), (IntelligenceV2, "") }
            .SelectMany(d => OpenApiDocuments.Operations(d.File).Select(o => (d.File, Path: d.BasePath + o.Path, o.Method, o.Operation)))
            .ToList();
        var apiRequests = harness.State.RecentRequests.Where(r => r.Path.Contains("/API/", StringComparison.Ordinal) || r.Path.StartsWith("/v2/", StringComparison.Ordinal)).ToList();
        apiRequests.Count.ShouldBe(11);
        foreach (var request in apiRequests)
        {
            var method = request.Method.ToLowerInvariant();
            var version = OpenApiDocuments.VersionOf(request.Accept);
            var matches = operations
                .Where(o => string.Equals(o.Method, method, StringComparison.Ordinal) && Regex.IsMatch(request.Path, "^" + TemplateRegex(o.Path) + "$", RegexOptions.IgnoreCase))
                .Where(o => version is null || o.Operation.ActualResponses.Values.Any(r => OpenApiDocuments.DeclaredVersions(o.Operation, r).Contains(version.Value)))
                .ToList();
            matches.ShouldNotBeEmpty($"{request.Method} {request.Path} (Accept {request.Accept}) is not a documented operation/version");
            var declared = matches.SelectMany(m => OpenApiDocuments.QueryParameters(m.Operation)).ToHashSet(StringComparer.Ordinal);
            foreach (var key in request.QueryKeys)
            {
                declared.ShouldContain(key, $"{request.Method} {request.Path}: query parameter '{key}' is not declared");
            }

            if (request.Path.StartsWith("/tenants/", StringComparison.Ordinal))
            {
                version.ShouldNotBeNull($"{request.Path}: Accept must pin version=N");
                request.HasTenantCode.ShouldBeTrue();
            }
        }
    }

    public static TheoryData<string, string, string> ModelSchemas => new()
    {
        { nameof(UemSystemInfo), SystemV1, "ServiceDocument" },
        { nameof(UemLocationGroupSearchResult), SystemV1, "LocationGroupSearchResult" },
        { nameof(UemLocationGroup), SystemV1, "LocationGroup" },
        { nameof(UemEntityId), SystemV1, "EntityId" },
        { nameof(UemOrganizationGroupSearchResult), SystemV2, "OrganizationGroupPagedSearchResultModel" },
        { nameof(UemOrganizationGroup), SystemV2, "OrganizationGroupModel" },
        { nameof(UemApiKeysResult), SystemV1, "RestApiGeneralV2Model" },
        { nameof(UemApiKeyEntry), SystemV1, "RestApiKeysV2Model" },
        { nameof(UemOAuthClientEntry), SystemV1, "OAuthClientsV2Model" },
        { nameof(UemIntelligenceEula), SystemV1, "IntelligenceEulaModelV1" },
        { nameof(UemErrorBody), SystemV1, "BaseExceptionModel" },
        { nameof(UemDeviceSearchResult), MdmV1, "DeviceSearchResultExtended" },
        { nameof(UemDevice), MdmV1, "DeviceExtended" },
        { nameof(UemDeviceEventLog), MdmV1, "DeviceEventLogSearchResult" },
        { nameof(UemDeviceEvent), MdmV1, "DeviceEventLogEntry" },
        { nameof(UemDevice), MdmV1, "Device" },
        { nameof(IntelligencePageRequest), IntelligenceV2, "ReportsSearchBody" },
        { nameof(IntelligenceEntity), IntelligenceV2, "EntitySummary" },
        { nameof(IntelligenceReport), IntelligenceV2, "ReportDetail" },
        { "IntelligencePage`1", IntelligenceV2, "ReportsSearchWrapper#data" },
        { "IntelligenceEnvelope`1", IntelligenceV2, "ReportsSearchWrapper" },
    };

    [Theory]
    [MemberData(nameof(ModelSchemas))]
    public void ClientModel_JsonFieldNames_MatchDocumentedSchema(string typeName, string file, string schemaName)
    {
        var type = typeof(UemApiClient).Assembly.GetTypes().Concat(typeof(UemV1GroupSearch).Assembly.GetTypes()).Single(t => t.Name == typeName);
        var parts = schemaName.Split('#');
        var schema = OpenApiDocuments.Schema(file, parts[0]);
        if (parts.Length > 1)
        {
            schema = OpenApiDocuments.Properties(schema)[parts[1]];
        }

        var properties = OpenApiDocuments.Properties(schema);
        var mapped = type.GetProperties().Select(p => (Property: p, Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)).Where(p => p.Name is not null).ToList();
        mapped.ShouldNotBeEmpty();
        foreach (var (property, jsonName) in mapped)
        {
            properties.Keys.ShouldContain(jsonName!, $"{typeName}.{property.Name} maps to '{jsonName}', which {schemaName} does not declare");
            var expected = OpenApiDocuments.Kind(properties[jsonName!]);
            JsonKind(property.PropertyType).ShouldBe(expected ?? JsonKind(property.PropertyType), $"{typeName}.{property.Name} type");
        }
    }

    private static string JsonKind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(Guid) || type == typeof(SecretString))
        {
            return "string";
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return "integer";
        }

        if (type == typeof(JsonElement))
        {
            return "object";
        }

        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? "array" : "object";
    }

    private static async Task<string> TokenAsync(IntegrationsTestPortal harness, Caller caller)
    {
        switch (caller)
        {
            case Caller.Intelligence:
                return (await harness.Intelligence.GetTokenAsync(harness.DemoIntelligence(), Ct)).Value.Reveal();
            case Caller.BadToken:
                return "not-a-token";
            case Caller.ReadOnly:
                var readOnly = harness.DemoConnection() with { ClientId = SimulatorDemo.ReadOnlyClientId, ClientSecret = SecretString.Create(SimulatorDemo.ReadOnlyClientSecret) };
                return (await harness.Tokens.GetTokenAsync(readOnly, Ct)).Value.Reveal();
            default:
                return (await harness.Tokens.GetTokenAsync(harness.DemoConnection(), Ct)).Value.Reveal();
        }
    }

    private static string TemplateRegex(string template) =>
        Regex.Replace(Regex.Escape(template), @"\\\{[^}]+\}", "[^/]+");

    private static IEnumerable<string> QueryKeys(string request) =>
        request.Contains('?', StringComparison.Ordinal)
            ? request.Split('?', 2)[1].Split('&').Select(p => p.Split('=')[0])
            : [];
}

/// <summary>The contract tests' validator (NJsonSchema over the loaded documents) rejects what the documents forbid.</summary>
public sealed class SchemaValidatorTests
{
    [Fact]
    public void Validate_UndeclaredFieldWrongTypeAndBadUuid_ReportsEachError()
    {
        var schema = OpenApiDocuments.Schema("uem-2604-systemv2.json", "OrganizationGroupPagedSearchResultModel");

        var errors = OpenApiDocuments.Validate("""{"OrganizationGroups":[{"Id":"570","Uuid":"nope","groupId":"DEMO"}],"TotalResults":1}""", schema);

        errors.ShouldContain(e => e.Contains("OrganizationGroups[0].Id: IntegerExpected", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("OrganizationGroups[0].Uuid: ", StringComparison.Ordinal) && (e.EndsWith("GuidExpected", StringComparison.Ordinal) || e.EndsWith("UuidExpected", StringComparison.Ordinal)));
        errors.ShouldContain(e => e.Contains("OrganizationGroups[0].groupId: NoAdditionalPropertiesAllowed", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EnumValueOutsideTheList_Fails()
    {
        var schema = OpenApiDocuments.Schema("uem-2604-mdmv1.json", "Device");

        OpenApiDocuments.Validate("""{"SerialNumber":"C02DEMO0002","ManagedBy":"MDM"}""", schema).ShouldBeEmpty();
        OpenApiDocuments.Validate("""{"SerialNumber":"C02DEMO0002","ManagedBy":"Intune"}""", schema)
            .ShouldContain(e => e.Contains("ManagedBy: NotInEnumeration", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SimulatorDeviceBySerial_WithAnInventedField_Fails()
    {
        var schema = OpenApiDocuments.Schema("uem-2604-mdmv1.json", "Device");
        const string device = """{"Id":{"Value":10002},"Uuid":"d0000002-0000-4000-8000-000000000002","SerialNumber":"C02DEMO0002","LastSeen":"2026-12-01T10:00:00"}""";

        OpenApiDocuments.Validate(device, schema).ShouldBeEmpty();
        OpenApiDocuments.Validate(device.Replace("\"SerialNumber\"", "\"Serial\"", StringComparison.Ordinal), schema)
            .ShouldContain(e => e.Contains("Serial: NoAdditionalPropertiesAllowed", StringComparison.Ordinal));
    }
}
