using System.Security.Claims;
using WaiverDb.Contracts.Validation;

namespace WaiverDb.Service.Auth;

/// <summary>Who sent the request, as the authentication methods established it.</summary>
public sealed record CurrentUser(string Name, IReadOnlyCollection<string> Groups)
{
    /// <summary>The claim type authentication methods put group names in.</summary>
    public const string GroupClaim = "groups";

    /// <summary>
    /// Why this caller's name cannot be recorded in the waiver column <paramref name="column"/>
    /// (<c>username</c> or <c>proxied_by</c>, both 255 characters), or null when it can. The
    /// authentication methods refuse longer names; this keeps the database from being the
    /// check (a 500) should a method ever let one through.
    /// </summary>
    public string? UnrecordableAs(string column) => Name.Length > FieldLimits.Username
        ? $"The user name of the caller is longer than {FieldLimits.Username} characters, the most a waiver can record as {column}"
        : null;

    public static CurrentUser From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var name = principal.Identity?.Name
            ?? throw new InvalidOperationException("an authenticated request has no user name");
        return new CurrentUser(name, [.. principal.FindAll(GroupClaim).Select(claim => claim.Value)]);
    }
}
