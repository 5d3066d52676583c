namespace Portal.Data;

/// <summary>
/// "Contains" search that behaves the same on SQLite and PostgreSQL: both sides upper-cased (PostgreSQL's LIKE is case
/// sensitive, SQLite's is not), with the user's wildcards escaped so they match literally.
/// </summary>
public static class TextSearch
{
    public const string Escape = "\\";

    /// <summary>A LIKE pattern (escape character <see cref="Escape"/>) for "contains <paramref name="term"/>", upper-cased.</summary>
    public static string ContainsPattern(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return "%" + term.Trim().ToUpperInvariant()
            .Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
    }
}
