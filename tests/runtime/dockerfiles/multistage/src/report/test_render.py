import unittest

from report.render import render


class RenderTest(unittest.TestCase):
    def test_counter(self):
        self.assertTrue(render(3).startswith("report: 3 requests"))


if __name__ == "__main__":
    unittest.main()
