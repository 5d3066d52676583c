using Portal.Features.Audit;

namespace Portal.UnitTests.Features.Audit;

public sealed class AuditQueryStringTests
{
    [Fact]
    public void ToQueryThenParse_EveryFilterField_RoundTrips()
    {
        var filter = new AuditFilter
        {
            FromUtc = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            ToUtc = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc),
            Actor = "alice",
            TenantId = "tenant-42",
            Action = AuditActions.UserCreated,
            Outcome = AuditOutcome.Denied,
        };

        var query = AuditQueryString.ToQuery(filter).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString());
        var parsed = AuditQueryString.Parse(query);

        parsed.ShouldBe(filter);
        parsed.FromUtc!.Value.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData("outcome", "Exploded")]
    [InlineData("outcome", "42")]
    [InlineData("from", "not-a-date")]
    public void Parse_InvalidValues_AreIgnoredRatherThanFailing(string key, string value)
    {
        var parsed = AuditQueryString.Parse(new Dictionary<string, string?> { [key] = value });

        parsed.ShouldBe(AuditFilter.None);
    }
}

public sealed class AuditChainTests
{
    private static AuditEntry Entry(long id) => new()
    {
        Id = id,
        TimestampUtc = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc),
        Actor = "alice",
        ActorRoles = "Helpdesk",
        Action = "test",
        DetailsJson = AuditChain.CanonicalDetails(new Dictionary<string, string?> { ["b"] = "2", ["a"] = "1" }),
        CorrelationId = "c",
    };

    [Fact]
    public void CanonicalDetails_AnyKeyOrder_SerialisesSorted()
    {
        AuditChain.CanonicalDetails(new Dictionary<string, string?> { ["b"] = "2", ["a"] = "1" }).ShouldBe("{\"a\":\"1\",\"b\":\"2\"}");
        AuditChain.CanonicalDetails(null).ShouldBe("{}");
    }

    [Fact]
    public void ComputeHash_ChangedFieldOrKeyOrPrevious_ChangesTheHash()
    {
        var chain = new AuditChain(new byte[32]);
        var original = chain.ComputeHash(AuditChain.GenesisHash, Entry(1));

        chain.ComputeHash(AuditChain.GenesisHash, Entry(1)).ShouldBe(original);
        var edited = Entry(1);
        edited.Actor = "mallory";
        chain.ComputeHash(AuditChain.GenesisHash, edited).ShouldNotBe(original);
        chain.ComputeHash(AuditChain.GenesisHash, Entry(2)).ShouldNotBe(original);
        chain.ComputeHash(new string('1', 64), Entry(1)).ShouldNotBe(original);
        new AuditChain(Enumerable.Repeat((byte)7, 32).ToArray()).ComputeHash(AuditChain.GenesisHash, Entry(1)).ShouldNotBe(original);
    }
}
