using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Portal.Data;

namespace Portal.UnitTests.Foundation;

public sealed class DatabaseProviderTests
{
    [Fact]
    public void UtcConverter_UnmarkedValue_IsTakenAsUtc()
    {
        var stored = UtcDateTimeConverter.ToStored(new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Unspecified));

        stored.Kind.ShouldBe(DateTimeKind.Utc);
        stored.ShouldBe(new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void UtcConverter_LocalValue_IsConvertedToUtc()
    {
        var local = new DateTime(2026, 6, 1, 9, 30, 0, DateTimeKind.Local);

        UtcDateTimeConverter.ToStored(local).ShouldBe(local.ToUniversalTime());
    }

    [Fact]
    public void UtcConverter_SubMicrosecondTicks_AreTruncatedToWhatPostgresKeeps()
    {
        var value = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567);

        var stored = UtcDateTimeConverter.ToStored(value);

        stored.Ticks.ShouldBe(value.Ticks - 7);
        UtcDateTimeConverter.ToStored(stored).ShouldBe(stored); // stable: hashing a stored value gives the same input
    }

    [Fact]
    public void UtcConverter_ReadBack_IsMarkedUtc()
    {
        var converter = new UtcDateTimeConverter();
        var read = (DateTime)converter.ConvertFromProvider(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified))!;

        read.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData("contoso", "%CONTOSO%")]
    [InlineData("  Fabrikam ", "%FABRIKAM%")]
    [InlineData("100%_sure\\", "%100\\%\\_SURE\\\\%")]
    public void ContainsPattern_EscapesWildcardsAndUpperCases(string term, string expected) =>
        TextSearch.ContainsPattern(term).ShouldBe(expected);

    [Fact]
    public void Options_PostgresWithoutConnectionString_NamesTheSettingAndTheFix()
    {
        var options = new DatabaseOptions { Provider = DatabaseProvider.Postgres };

        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true).ShouldBeFalse();

        errors.ShouldHaveSingleItem().ErrorMessage!.ShouldContain("Database:ConnectionString is required");
        errors[0].ErrorMessage!.ShouldContain("Database__ConnectionString");
    }

    [Fact]
    public void Options_SqliteDefault_IsValidWithoutConnectionString()
    {
        var options = new DatabaseOptions();

        Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true).ShouldBeTrue();
        options.Provider.ShouldBe(DatabaseProvider.Sqlite);
    }

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("Sqlite", DatabaseProvider.Sqlite)]
    [InlineData("Postgres", DatabaseProvider.Postgres)]
    [InlineData("postgres", DatabaseProvider.Postgres)]
    public void ProviderFrom_ReadsTheSameProviderAsTheBoundOptions(string? configured, DatabaseProvider expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(configured is null ? [] : [new("Database:Provider", configured)])
            .Build();

        DatabaseOptions.ProviderFrom(configuration).ShouldBe(expected);
        var bound = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        bound.Provider.ShouldBe(expected);
        bound.IsPostgres.ShouldBe(expected == DatabaseProvider.Postgres);
    }
}
