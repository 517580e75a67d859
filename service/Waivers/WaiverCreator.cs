using WaiverDb.Contracts;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Auth.Ldap;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Waivers;

/// <summary>The outcome of a create: the stored waivers, or the status and error that refused them all.</summary>
public sealed record CreateOutcome(IReadOnlyList<Waiver>? Created, int Status = StatusCodes.Status201Created, ErrorResponse? Error = null)
{
    public static CreateOutcome Refused(int status, string message) => new(null, status, new ErrorResponse(message));
}

/// <summary>
/// Creates validated waivers: resolves each subject (legacy <c>subject</c>,
/// <c>result_id</c>), decides who the waiver is for (proxying through <c>SUPERUSERS</c>),
/// checks that user's permission for the test case, and stores all of them or none.
/// </summary>
public sealed class WaiverCreator(WaiverStore store, ResultsDbClient resultsDb, PermissionChecker permissions, WaiverDbSettings settings,
    LdapGroups ldap)
{
    public async Task<CreateOutcome> CreateAsync(IReadOnlyList<CreateWaiverRequest> requests, CurrentUser caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(caller);
        var waivers = new List<NewWaiver>(requests.Count);

        // One LDAP lookup per user and request, even with the cache turned off.
        var ldapGroups = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        async Task<IReadOnlySet<string>> LdapGroupsOf(string user)
        {
            if (!ldapGroups.TryGetValue(user, out var found))
            {
                ldapGroups[user] = found = await ldap.GroupsOfAsync(user, ct);
            }

            return found;
        }

        foreach (var request in requests)
        {
            var (user, proxiedBy) = (caller.Name, (string?)null);
            if (request.Username is { } onBehalfOf)
            {
                if (!settings.Superusers.Contains(caller.Name, StringComparer.Ordinal))
                {
                    return CreateOutcome.Refused(StatusCodes.Status403Forbidden, $"user {caller.Name} does not have the proxyuser ability");
                }

                (user, proxiedBy) = (onBehalfOf, caller.Name);
            }

            if (caller.UnrecordableAs(proxiedBy is null ? "username" : "proxied_by") is { } unrecordable)
            {
                return CreateOutcome.Refused(StatusCodes.Status400BadRequest, unrecordable);
            }

            var (subject, error) = await ResolveSubjectAsync(request, ct);
            if (error is not null)
            {
                return CreateOutcome.Refused(error.Status, error.Message);
            }

            // The check is for the user the waiver is recorded for: a proxy cannot lend its
            // own rights. A proxied user's groups are unknown here (they are the caller's),
            // so they come from LDAP only; LDAP is the fallback for everyone.
            var groups = proxiedBy is null ? caller.Groups : [];
            if (!permissions.MayWaive(user, groups, subject!.Testcase))
            {
                try
                {
                    if (!ldap.Enabled || !permissions.MayWaive(user, await LdapGroupsOf(user), subject.Testcase))
                    {
                        return CreateOutcome.Refused(StatusCodes.Status403Forbidden, PermissionChecker.DeniedMessage(user, subject.Testcase));
                    }
                }
                catch (LdapUnavailableException e)
                {
                    return CreateOutcome.Refused(StatusCodes.Status502BadGateway, e.Message);
                }
            }

            waivers.Add(new NewWaiver(subject.SubjectType, subject.SubjectIdentifier, subject.Testcase, subject.Scenario,
                user, proxiedBy, request.ProductVersion!, request.Waived ?? true, request.Comment));
        }

        return new CreateOutcome(await store.CreateAsync(waivers, ct));
    }

    private async Task<(ResultSubject? Subject, ResultLookupError? Error)> ResolveSubjectAsync(CreateWaiverRequest request, CancellationToken ct)
    {
        if (request.ResultId is { } resultId)
        {
            return await resultsDb.LookUpAsync(resultId, ct);
        }

        if (request.Subject is { } legacy)
        {
            // The validator has already checked that the dictionary maps.
            SubjectMapping.TryFromLegacySubject(legacy, out var type, out var identifier);
            return (new ResultSubject(type, identifier, request.Testcase!, request.Scenario), null);
        }

        return (new ResultSubject(SubjectMapping.NormalizeType(request.SubjectType!), request.SubjectIdentifier!,
            request.Testcase!, request.Scenario), null);
    }
}
