using WaiverDb.Contracts;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Auth.Ldap;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Admin;

/// <summary>
/// Lets only <c>ADMINS</c> through to the administrators' endpoints: a listed user, or a
/// member of a listed group (the groups the authentication method gave, then LDAP's).
/// Runs after authentication, so every caller here has a name.
/// </summary>
public sealed class AdminAuthorizer(WaiverDbSettings settings, LdapGroups ldap) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var user = CurrentUser.From(http.User);
        try
        {
            if (!await IsAdminAsync(user, http.RequestAborted))
            {
                return TypedResults.Json(new ErrorResponse($"User {user.Name} is not an administrator (ADMINS)"),
                    WaiverDbJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status403Forbidden);
            }
        }
        catch (LdapUnavailableException e)
        {
            return TypedResults.Json(new ErrorResponse(e.Message), WaiverDbJsonContext.Default.ErrorResponse,
                statusCode: StatusCodes.Status502BadGateway);
        }

        return await next(context);
    }

    public async Task<bool> IsAdminAsync(CurrentUser user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var admins = settings.Admins;
        if (admins.Includes(user.Name, user.Groups))
        {
            return true;
        }

        // LDAP is asked only when a group could make the difference.
        return admins.Groups.Count > 0 && ldap.Enabled && admins.Includes(user.Name, await ldap.GroupsOfAsync(user.Name, ct));
    }
}
