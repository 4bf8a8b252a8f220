package org.slapos.grid.instance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slapos.promise.api.PromiseChecker;
import org.slapos.promise.api.PromiseOutcome;
import org.slapos.promise.api.PromiseReport;
import org.slapos.promise.api.PromiseRequest;
import org.slapos.promise.api.PromiseResult;

/**
 * A promise checker that records its requests and answers, per partition, with one promise that
 * passes or fails with the message the test set.
 */
final class RecordingPromises implements PromiseChecker {
  final List<PromiseRequest> requests = new CopyOnWriteArrayList<>();
  final Map<String, String> failures = new ConcurrentHashMap<>();

  @Override
  public PromiseReport check(PromiseRequest request) {
    requests.add(request);
    String failure = failures.get(request.partition().partitionId());
    PromiseResult result = failure == null ? PromiseResult.success("success") : PromiseResult.failure(failure);
    return new PromiseReport(List.of(new PromiseOutcome("check-service", PromiseOutcome.Kind.BUNDLE, null, true,
        result, Duration.ofMillis(1))));
  }
}
