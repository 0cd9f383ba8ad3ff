#include "shared/card.h"
