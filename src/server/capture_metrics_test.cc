#include "server/capture_metrics.h"

#include <gtest/gtest.h>

namespace bx {
namespace {

TEST(CaptureMetrics, EndpointsAreRouteNamesNeverPaths) {
  EXPECT_EQ(CaptureEndpointOf("/capture"), CaptureEndpoint::kCapture);
  EXPECT_EQ(CaptureEndpointOf("/capture/"), CaptureEndpoint::kCapture);
  EXPECT_EQ(CaptureEndpointOf("/batch/"), CaptureEndpoint::kBatch);
  EXPECT_EQ(CaptureEndpointOf("/e/"), CaptureEndpoint::kE);
  EXPECT_EQ(CaptureEndpointOf("/i/v0/e"), CaptureEndpoint::kIV0E);
  EXPECT_EQ(CaptureEndpointOf("/track/"), CaptureEndpoint::kTrack);
  EXPECT_EQ(CaptureEndpointOf("/engage"), CaptureEndpoint::kEngage);
  EXPECT_EQ(CaptureEndpointName(CaptureEndpoint::kIV0E), "i/v0/e");
  EXPECT_EQ(CaptureEndpointOf("/capture/../../etc/passwd"), CaptureEndpoint::kOther);
  EXPECT_EQ(CaptureEndpointOf("/"), CaptureEndpoint::kOther);
  EXPECT_EQ(CaptureEndpointName(CaptureEndpoint::kCapture), "capture");
  EXPECT_EQ(CaptureEndpointName(CaptureEndpoint::kBatch), "batch");
  EXPECT_EQ(CaptureEndpointName(CaptureEndpoint::kOther), "other");
}

TEST(CaptureMetrics, CountsByEndpointAndStatus) {
  CaptureRequestCounter counter;
  {
    int status = -1;  // what a response has before a handler sets it
    const CountedCaptureRequest counted(counter, CaptureEndpoint::kBatch, status);
    status = 200;  // the status when the scope ends is the one counted
  }
  counter.Record(CaptureEndpoint::kBatch, 200);
  counter.Record(CaptureEndpoint::kCapture, 400);
  counter.Record(CaptureEndpoint::kCapture, -1);  // no status: the request failed
  counter.Record(CaptureEndpoint::kCapture, 1000);
  const auto counts = counter.Snapshot();
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].endpoint, CaptureEndpoint::kCapture);
  EXPECT_EQ(counts[0].status, 400);
  EXPECT_EQ(counts[0].requests, 1u);
  EXPECT_EQ(counts[1].status, 500);
  EXPECT_EQ(counts[1].requests, 2u);
  EXPECT_EQ(counts[2].endpoint, CaptureEndpoint::kBatch);
  EXPECT_EQ(counts[2].status, 200);
  EXPECT_EQ(counts[2].requests, 2u);
}

}  // namespace
}  // namespace bx
