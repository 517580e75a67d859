using WaiverDb.Contracts;
using WaiverDb.Contracts.Admin;

namespace WaiverDb.Service.Admin;

/// <summary>The outcome of a revoke or remove: what was done, or the status and error that refused it.</summary>
public sealed record AdminOutcome(AdminActionResponse? Done, int Status = StatusCodes.Status200OK, ErrorResponse? Error = null)
{
    public static AdminOutcome Refused(int status, string message) => new(null, status, new ErrorResponse(message));

    public static AdminOutcome NotFound(int id) => Refused(StatusCodes.Status404NotFound, $"Waiver {id} not found");
}
