namespace Portal.Features.Api;

/// <summary>A token as lists show it: never the token itself, only its public prefix.</summary>
public sealed record ApiTokenView(
    int Id,
    string Name,
    string Prefix,
    string OwnerUserName,
    DateTime CreatedUtc,
    DateTime? ExpiresUtc,
    DateTime? RevokedUtc,
    string? RevokedBy,
    DateTime? LastUsedUtc)
{
    public bool IsActive(DateTime nowUtc) => RevokedUtc is null && (ExpiresUtc is null || ExpiresUtc > nowUtc);

    public string State(DateTime nowUtc) => RevokedUtc is not null ? "Revoked" : ExpiresUtc <= nowUtc ? "Expired" : "Active";
}

/// <summary>Outcome of creating a token: the token in clear exactly once, or field errors.</summary>
public sealed record ApiTokenCreateResult(string? Token, ApiTokenView? View, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Token is not null;
}
