using System.Security.Claims;

namespace WaiverDb.Service.Auth;

/// <summary>Who sent the request, as the authentication methods established it.</summary>
public sealed record CurrentUser(string Name, IReadOnlyCollection<string> Groups)
{
    /// <summary>The claim type authentication methods put group names in.</summary>
    public const string GroupClaim = "groups";

    public static CurrentUser From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var name = principal.Identity?.Name
            ?? throw new InvalidOperationException("an authenticated request has no user name");
        return new CurrentUser(name, [.. principal.FindAll(GroupClaim).Select(claim => claim.Value)]);
    }
}
