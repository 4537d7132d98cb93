"""Travel estimates: road distance from the great circle and a detour factor, local then highway speed."""

import pytest
from geopy.distance import geodesic

from dispatch.scheduling.geo.travel import GeodesicEstimator, great_circle_km

AMSTERDAM = (52.3731, 4.8922)
UTRECHT = (52.0907, 5.1214)
COLOGNE = (50.9375, 6.9603)


def test_the_great_circle_distance_is_within_half_a_percent_of_the_ellipsoidal_geodesic():
    for origin, destination in ((AMSTERDAM, UTRECHT), (AMSTERDAM, COLOGNE), (UTRECHT, COLOGNE)):
        assert great_circle_km(origin, destination) == pytest.approx(geodesic(origin, destination).km, rel=0.005)


def test_a_drive_across_the_region_goes_at_local_speed_only():
    estimator = GeodesicEstimator(detour_factor=1.3, speed_kmh=50, local_km=30, highway_speed_kmh=90)
    road = great_circle_km(AMSTERDAM, (52.30, 4.95)) * 1.3
    assert road < 30
    assert estimator.minutes(AMSTERDAM, (52.30, 4.95)) == pytest.approx(road / 50 * 60, abs=1)


def test_a_long_drive_goes_at_highway_speed_past_the_local_stretch():
    estimator = GeodesicEstimator(detour_factor=1.3, speed_kmh=50, local_km=30, highway_speed_kmh=90)
    road = estimator.km(AMSTERDAM, COLOGNE)
    expected = (30 / 50 + (road - 30) / 90) * 60
    assert estimator.minutes(AMSTERDAM, COLOGNE) == pytest.approx(expected, abs=1)
    assert 150 < estimator.minutes(AMSTERDAM, COLOGNE) < 210  # about three hours, not six


def test_the_matrix_is_symmetric_with_zero_on_the_diagonal():
    table = GeodesicEstimator().matrix([AMSTERDAM, UTRECHT, COLOGNE])
    assert [table[i][i] for i in range(3)] == [0, 0, 0]
    assert table[0][2] == table[2][0] == GeodesicEstimator().minutes(AMSTERDAM, COLOGNE)
