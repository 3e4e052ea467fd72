using Pql.Core.Events;
using Pql.Core.Labels;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Events;

public sealed class EventStoreTests
{
    /// <summary>200 accounts of 10 users each, every user with events spread over 60 days.</summary>
    private static EventStore Store()
    {
        var b = new EventStoreBuilder();
        for (var a = 0; a < 200; a++)
        {
            b.AddAccount($"a{a}", 0);
            for (var u = 0; u < 10; u++)
                b.AddUser($"u{a}-{u}", a, 0);
        }
        for (var i = 0; i < 40_000; i++)
        {
            var a = i % 200;
            var name = i % 13 == 0 ? "invited" : "login";
            b.AddEvent($"a{a}", $"u{a}-{i / 200 % 10}", (long)(i % 60) * Duration.MsPerDay, name, "p");
        }
        return b.Build();
    }

    [Fact]
    public void UserIndex_hammered_from_many_threads_is_built_once_and_whole()
    {
        var expected = Store().UserIndex();
        for (var round = 0; round < 20; round++)
        {
            var store = Store();
            var seen = new (int[] Order, int[] Offsets)[16];
            using var start = new Barrier(seen.Length);
            var threads = Enumerable.Range(0, seen.Length).Select(t => new Thread(() =>
            {
                start.SignalAndWait(); // all sixteen ask at the same moment
                seen[t] = store.UserIndex();
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));

            foreach (var (order, offsets) in seen)
            {
                Assert.Same(seen[0].Order, order);
                Assert.Same(seen[0].Offsets, offsets);
            }
            Assert.Equal(expected.Order, seen[0].Order);
            Assert.Equal(expected.Offsets, seen[0].Offsets);
        }
    }

    [Fact]
    public void A_user_goal_labels_the_same_when_its_first_UserIndex_call_is_inside_Parallel_For()
    {
        var goal = new GoalDefinition("invited", EntityKind.User, new EventCondition("invited", new Dictionary<string, string>()), 7 * Duration.MsPerDay, 1);
        var reference = Store();
        _ = reference.UserIndex(); // built on this thread before the labeler runs
        var expected = new GoalLabeler(reference, goal);
        for (var round = 0; round < 20; round++)
        {
            var labeler = new GoalLabeler(Store(), goal); // first UserIndex call inside AchievementTimes' Parallel.For
            for (var u = 0; u < labeler.EntityCount; u++)
                Assert.Equal(expected.AchievedAt(u), labeler.AchievedAt(u));
        }
    }
}
