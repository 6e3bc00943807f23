using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KeepOperator.NodeAgent.Webhooks;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Webhooks;

public sealed class WebhookRetryPolicyTests
{
    [Fact]
    public void Backoff_doubles_from_500ms_and_stops_at_30s()
    {
        Assert.Equal(
            [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
            Enumerable.Range(1, 9).Select(a => WebhookRetryPolicy.Backoff(a).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(30), WebhookRetryPolicy.Backoff(int.MaxValue));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.MovedPermanently, false)]
    public void Only_no_answer_408_429_and_5xx_are_tried_again(HttpStatusCode? status, bool retried)
    {
        Assert.Equal(retried, WebhookRetryPolicy.ShouldRetry(status, 1, 4));
    }

    [Fact]
    public void The_last_attempt_is_never_retried()
    {
        Assert.False(WebhookRetryPolicy.ShouldRetry(null, 4, 4));
        Assert.False(WebhookRetryPolicy.ShouldRetry(HttpStatusCode.ServiceUnavailable, 1, 1));
    }

    /// <summary>Whatever the answers, a delivery makes at most its attempts and waits at most the sum of their backoffs.</summary>
    [Property(MaxTest = 200)]
    public Property A_delivery_is_bounded_by_its_attempts()
    {
        var answers = Gen.ListOf(Gen.Elements<HttpStatusCode?>(null, HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK, HttpStatusCode.NotFound));
        return Prop.ForAll(Gen.Choose(1, 10).ToArbitrary(), answers.ToArbitrary(), (attempts, list) =>
        {
            var made = 0;
            var waited = TimeSpan.Zero;
            for (var attempt = 1; ; attempt++)
            {
                made++;
                var status = list.Count >= attempt ? list[attempt - 1] : null;
                if (status == HttpStatusCode.OK || !WebhookRetryPolicy.ShouldRetry(status, attempt, attempts))
                {
                    break;
                }

                waited += WebhookRetryPolicy.Backoff(attempt);
            }

            return made <= attempts && waited <= TimeSpan.FromSeconds(30) * attempts;
        });
    }
}
